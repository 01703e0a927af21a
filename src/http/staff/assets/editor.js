// Draft editor: validates the form as the officer types (no save) and lists the problems.
// Every text from the server is set with textContent, never as HTML.
(function () {
  'use strict';
  var form = document.getElementById('draft-form');
  if (!form) return;
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
  var list = document.getElementById('issues');
  var summary = document.getElementById('issues-summary');
  var timer = null;
  var seq = 0;

  function setPath(target, lang, path, value) {
    var node = (target[lang] = target[lang] || {});
    var parts = path.split('.');
    for (var i = 0; i < parts.length - 1; i++) node = node[parts[i]] = node[parts[i]] || {};
    node[parts[parts.length - 1]] = value;
  }

  function collect() {
    var definition;
    try {
      definition = JSON.parse(form.elements.definition.value);
    } catch (e) {
      return { error: 'not valid JSON: ' + e.message };
    }
    var texts = {};
    var fields = form.querySelectorAll('[data-lang][data-path]');
    for (var i = 0; i < fields.length; i++) {
      var v = fields[i].value.trim();
      if (v) setPath(texts, fields[i].getAttribute('data-lang'), fields[i].getAttribute('data-path'), v);
    }
    return { definition: definition, texts: texts };
  }

  function show(ok, issues) {
    list.textContent = '';
    summary.textContent = ok ? 'No problems found: this draft can be published.' : issues.length + ' problem(s) to fix before publishing:';
    summary.className = ok ? 'status-ok' : 'status-bad';
    issues.forEach(function (issue) {
      var li = document.createElement('li');
      li.textContent = issue.where + (issue.lang ? ' [' + issue.lang + ']' : '') + ': ' + issue.message;
      list.appendChild(li);
    });
  }

  function validate() {
    var body = collect();
    if (body.error) return show(false, [{ where: 'questions and structure (JSON)', message: body.error }]);
    var mine = ++seq;
    fetch('/api/v1/validate', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ questionnaireId: form.getAttribute('data-questionnaire'), definition: body.definition, texts: body.texts }),
    })
      .then(function (res) {
        return res.json().then(function (data) {
          if (mine !== seq) return;
          if (!res.ok) return show(false, [{ where: 'validation', message: data.error || 'could not validate (' + res.status + ')' }]);
          show(data.ok, data.issues);
        });
      })
      .catch(function () {
        if (mine === seq) summary.textContent = 'Could not reach the server to validate; your typing is not lost.';
      });
  }

  form.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(validate, 350);
  });
})();
