/* Media: every <video> and <audio>, with its captions tracks, autoplay state and any transcript
   link or text close to it. */
const near = el => {
  const scope = el.closest("figure, section, article, li, [role=region], main") || el.parentElement || document.body;
  const described = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean)
    .map(id => document.getElementById(id)).filter(Boolean);
  const texts = [scope.innerText || "", ...described.map(d => d.innerText || "")];
  for (const a of scope.querySelectorAll("a[href]")) texts.push(a.getAttribute("href"));
  let sib = scope.nextElementSibling;
  for (let i = 0; sib && i < 2; i++, sib = sib.nextElementSibling) texts.push(sib.innerText || "");
  return /transcript|transcription|text version|texte|transcripción|transkript/i.test(texts.join(" "));
};
const media = [];
for (const el of document.querySelectorAll("video, audio")) {
  const tracks = Array.from(el.querySelectorAll("track")).map(t => (t.getAttribute("kind") || "subtitles").toLowerCase());
  media.push({...A11Y.describe(el), kind: el.localName,
    captions: tracks.some(k => k === "captions" || k === "subtitles"),
    autoplay: el.autoplay || (!el.paused && el.currentTime > 0),
    muted: el.muted || el.hasAttribute("muted"), controls: el.controls,
    transcript: near(el), duration: isFinite(el.duration) ? el.duration : null,
    hasAudio: el.localName === "audio" || el.mozHasAudio !== false});
}
return media;
