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
  var names = JSON.parse(form.getAttribute('data-language-names') || '{}');
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
      li.textContent = issue.where + (issue.lang ? ' (' + (names[issue.lang] || issue.lang) + ')' : '') + ': ' + issue.message;
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

  // The question list shows the wording in the chosen language, as typed (saved or not).
  var picker = document.getElementById('shown-lang');
  var kept = document.getElementById('shown-lang-kept');
  function showWording() {
    var lang = picker ? picker.value : '';
    var cells = form.querySelectorAll('[data-wording]');
    for (var i = 0; i < cells.length; i++) {
      var box = form.querySelector('textarea[data-lang="' + lang + '"][data-path="' + cells[i].getAttribute('data-wording') + '"]');
      var text = box ? box.value.trim() : '';
      cells[i].textContent = text;
      cells[i].setAttribute('lang', lang);
      var missing = cells[i].nextElementSibling;
      var isNote = missing === null ? false : missing.classList.contains('missing');
      if (isNote) missing.hidden = Boolean(text);
      else if (!text) {
        var em = document.createElement('em');
        em.className = 'missing';
        em.textContent = 'no wording yet';
        cells[i].parentNode.insertBefore(em, cells[i].nextSibling);
      }
    }
  }
  if (picker) {
    var go = document.getElementById('shown-lang-go');
    if (go) go.hidden = true;
    picker.addEventListener('change', function () {
      if (kept) kept.value = picker.value;
      showWording();
      history.replaceState(null, '', '?lang=' + encodeURIComponent(picker.value));
    });
  }

  // Enter in a one-line box of the question list presses that box's own button, not another one.
  form.addEventListener('keydown', function (e) {
    if (e.key !== 'Enter' || e.target.tagName !== 'INPUT') return;
    var scope = e.target.closest('td, fieldset');
    var own = scope === null ? null : scope.querySelector('button[formaction]');
    if (!own) return;
    e.preventDefault();
    own.click();
  });

  form.addEventListener('input', function (e) {
    if (e.target.tagName === 'TEXTAREA' && e.target.hasAttribute('data-path')) showWording();
    clearTimeout(timer);
    timer = setTimeout(validate, 350);
  });
})();
