/* The SCORM runtime an LMS gives a lesson (SCORM 1.2 window.API and SCORM 2004 window.API_1484_11),
   in memory: the lesson finds its LMS, starts and saves as it would in a course, and nothing leaves
   the audit browser. Inserted by the course auditor at the top of every page of a SCORM package. */
(function () {
  if (window.API || window.API_1484_11) { return; }
  var data = {
    "cmi.core.student_id": "learner", "cmi.core.student_name": "Learner, Test", "cmi.core.lesson_status": "not attempted",
    "cmi.core.entry": "ab-initio", "cmi.core.lesson_mode": "normal", "cmi.core.lesson_location": "",
    "cmi.core.credit": "credit", "cmi.core.score.raw": "", "cmi.core.total_time": "0000:00:00",
    "cmi.learner_id": "learner", "cmi.learner_name": "Learner, Test", "cmi.completion_status": "not attempted",
    "cmi.success_status": "unknown", "cmi.entry": "ab-initio", "cmi.mode": "normal", "cmi.location": "",
    "cmi.credit": "credit", "cmi.suspend_data": "", "cmi.launch_data": "", "cmi.interactions._count": "0",
    "cmi.objectives._count": "0", "cmi.core._children": "student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,lesson_mode,exit,session_time"
  };
  var last = "0";
  function ok() { last = "0"; return "true"; }
  function get(key) { last = "0"; return Object.prototype.hasOwnProperty.call(data, key) ? String(data[key]) : ""; }
  function set(key, value) { last = "0"; data[key] = String(value); return "true"; }
  function error() { return last; }
  function none() { return ""; }
  window.API = { LMSInitialize: ok, LMSFinish: ok, LMSGetValue: get, LMSSetValue: set, LMSCommit: ok,
                 LMSGetLastError: error, LMSGetErrorString: none, LMSGetDiagnostic: none };
  window.API_1484_11 = { Initialize: ok, Terminate: ok, GetValue: get, SetValue: set, Commit: ok,
                         GetLastError: error, GetErrorString: none, GetDiagnostic: none };
})();
