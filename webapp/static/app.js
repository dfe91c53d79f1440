/* The web app's only script: small enhancements; every page works without it.
   - the error summary of a form sent back gets the focus;
   - file fields also take a file dropped on them;
   - "Listen to a sample" plays in the page with the voice and speed chosen now;
   - a running job's status updates by itself (polling), announced through its status region;
   - audio players get a speed choice, chapter buttons that seek, and remember where you were. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }

  function clock(seconds) {
    var s = Math.max(0, Math.round(seconds));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function errorSummary() {
    var summary = document.getElementById("error-summary");
    var shared = document.getElementById("share-url");
    if (summary) summary.focus();
    else if (shared) { shared.focus(); shared.select(); }      // a new share link, ready to copy
  }

  function dropzones() {
    document.querySelectorAll("[data-dropzone]").forEach(function (zone) {
      var input = zone.querySelector("input[type=file]");
      var hint = zone.querySelector("[data-drop-hint]");
      if (!input) return;
      if (hint) hint.hidden = false;
      zone.addEventListener("dragover", function (e) { e.preventDefault(); zone.classList.add("over"); });
      zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
      zone.addEventListener("drop", function (e) {
        e.preventDefault();
        zone.classList.remove("over");
        if (e.dataTransfer && e.dataTransfer.files.length) {
          input.files = e.dataTransfer.files;
          input.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
    });
  }

  function listen() {
    var link = document.querySelector("[data-listen]");
    var player = document.getElementById("sample-player");
    var status = document.getElementById("listen-status");
    if (!link || !player) return;
    link.setAttribute("role", "button");
    link.addEventListener("keydown", function (e) { if (e.key === " ") { e.preventDefault(); link.click(); } });
    link.addEventListener("click", function (e) {
      e.preventDefault();
      var voice = document.getElementById("voice").value;
      var rate = document.getElementById("rate").value;
      status.textContent = "Preparing the sample…";
      player.hidden = false;
      player.src = "/voices/sample?voice=" + encodeURIComponent(voice) + "&rate=" + encodeURIComponent(rate);
      player.play().then(function () { status.textContent = "Playing the sample."; },
                         function () { status.textContent = "The sample is ready: use the player to play it."; });
    });
  }

  function jobStatus() {
    var box = document.getElementById("job-status");
    if (!box || box.dataset.finished === "true") return;
    var text = document.getElementById("status-text");
    var bar = document.getElementById("progress");
    var hint = box.querySelector("[data-live-hint]");
    if (hint) hint.hidden = false;
    var last = "";
    function poll() {
      fetch("/jobs/" + box.dataset.job + "/status", { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (!s) return;
          if (bar) { bar.value = s.progress; bar.textContent = s.progress + " %"; }
          var line = s.status + (s.stage && !s.finished ? ": " + s.stage : "");
          if (line !== last) { text.textContent = line; last = line; }
          if (s.finished) {
            text.textContent = "The job has " + s.status + ". Loading the results…";
            window.setTimeout(function () { window.location.reload(); }, 800);
          } else {
            window.setTimeout(poll, 1500);
          }
        }, function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1000);
  }

  function players() {
    document.querySelectorAll("[data-player]").forEach(function (section) {
      var audio = section.querySelector("audio");
      var extras = section.querySelector("[data-player-extras]");
      var speed = section.querySelector("[data-speed]");
      var resume = section.querySelector("[data-resume]");
      if (!audio) return;
      var key = "access-position:" + audio.dataset.key;
      if (extras) extras.hidden = false;
      var savedRate = window.localStorage.getItem("access-speed");
      if (speed) {
        if (savedRate) speed.value = savedRate;
        audio.playbackRate = parseFloat(speed.value);
        speed.addEventListener("change", function () {
          audio.playbackRate = parseFloat(speed.value);
          window.localStorage.setItem("access-speed", speed.value);
        });
      }
      audio.addEventListener("loadedmetadata", function () {
        var at = parseFloat(window.localStorage.getItem(key) || "0");
        if (at > 1 && at < audio.duration - 1) {
          audio.currentTime = at;
          if (resume) resume.textContent = "Resumed where you stopped, at " + clock(at) + ".";
        }
        if (speed) audio.playbackRate = parseFloat(speed.value);
      });
      var lastSaved = 0;
      audio.addEventListener("timeupdate", function () {
        if (Math.abs(audio.currentTime - lastSaved) >= 2) {
          lastSaved = audio.currentTime;
          window.localStorage.setItem(key, String(audio.currentTime));
        }
      });
      audio.addEventListener("ended", function () { window.localStorage.removeItem(key); });
      section.querySelectorAll("[data-seek]").forEach(function (button) {
        button.disabled = false;
        button.addEventListener("click", function () {
          audio.currentTime = parseFloat(button.dataset.seek);
          if (speed) audio.playbackRate = parseFloat(speed.value);
          audio.play();
        });
      });
    });
  }

  ready(function () {
    errorSummary();
    dropzones();
    listen();
    jobStatus();
    players();
  });
})();
