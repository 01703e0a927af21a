// Formats page: sends the chosen file's bytes to the staff API (XLSForm and translation
// sheets as .xlsx, FLOIP flows as JSON) and lists the result. Texts from the file and the
// server are set with textContent, never as HTML.
(function () {
  'use strict';
  var form = document.getElementById('upload-form');
  if (!form) return;
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
  var out = document.getElementById('upload-result');
  // the formats page names its questionnaire; the questionnaires page asks for the new one's id
  var named = form.getAttribute('data-questionnaire');
  var XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  var names = JSON.parse(form.getAttribute('data-language-names') || '{}');

  function line(text, cls) {
    var p = document.createElement('p');
    p.textContent = text;
    if (cls) p.className = cls;
    out.appendChild(p);
  }
  function list(items) {
    if (!items?.length) return;
    var ul = document.createElement('ul');
    items.forEach(function (text) {
      var li = document.createElement('li');
      li.textContent = text;
      ul.appendChild(li);
    });
    out.appendChild(ul);
  }
  function link(text, href) {
    var p = document.createElement('p');
    var a = document.createElement('a');
    a.textContent = text;
    a.href = href;
    p.appendChild(a);
    out.appendChild(p);
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var file = form.elements.file.files[0];
    var kind = form.elements.kind.value;
    var questionnaire = named || form.elements.questionnaireId.value.trim();
    out.textContent = '';
    if (!questionnaire) return line('Give the questionnaire an id first.', 'status-bad');
    if (!file) return line('Choose a file first.', 'status-bad');
    var draft = kind.indexOf('translations:') === 0 ? kind.slice('translations:'.length) : null;
    var url = draft ? '/api/v1/drafts/' + encodeURIComponent(draft) + '/translations' : '/api/v1/questionnaires/' + encodeURIComponent(questionnaire) + '/' + kind;
    var read = kind === 'floip' ? file.text() : file.arrayBuffer();
    read
      .then(function (body) {
        if (kind === 'floip') {
          try {
            JSON.parse(body);
          } catch (_err) {
            throw new Error('The file is not JSON: a FLOIP flow is a .json file.');
          }
        }
        return fetch(url, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': kind === 'floip' ? 'application/json' : XLSX, 'x-csrf-token': csrf },
          body: body,
        });
      })
      .then(function (res) {
        return res.text().then(function (text) {
          var r = null;
          try {
            r = JSON.parse(text);
          } catch (_err) {
            r = null;
          }
          if (!r) return line(res.status === 413 ? 'The file is too large to upload.' : 'The upload failed (' + res.status + '): ' + text, 'status-bad');
          if (!r.ok) {
            line(r.error || 'The upload failed (' + res.status + ').', 'status-bad');
            return list(r.problems);
          }
          line(draft ? 'Translations saved into the draft: ' + r.changed + ' text(s) changed.' : 'Imported as a new draft.', 'status-ok');
          if (r.warnings?.length) line('Read but not kept:');
          list(r.warnings);
          if (r.report && !r.report.ok) {
            line('The draft does not pass its checks yet; fix these before publishing:');
            list(
              r.report.issues.map(function (i) {
                return i.where + (i.lang ? ' (' + (names[i.lang] || i.lang) + ')' : '') + ': ' + i.message;
              }),
            );
          }
          link('Open the draft', '/staff/drafts/' + encodeURIComponent(r.draft.id));
        });
      })
      .catch(function (err) {
        line(err?.message ? err.message : 'Could not reach the server.', 'status-bad');
      });
  });
})();
