// Facility import: sends the chosen CSV file as text/csv (dry run first) and shows the
// result row by row. Texts from the file are set with textContent, never as HTML.
(function () {
  'use strict';
  var form = document.getElementById('import-form');
  if (!form) return;
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
  var out = document.getElementById('import-result');

  function line(text, cls) {
    var p = document.createElement('p');
    p.textContent = text;
    if (cls) p.className = cls;
    out.appendChild(p);
  }

  // After an import the list and its count are fetched again (same page, same search), so nothing stale is shown.
  function refreshList() {
    var list = document.getElementById('facility-list');
    if (!list) return;
    fetch(location.pathname + location.search, { credentials: 'same-origin' })
      .then(function (res) {
        return res.text();
      })
      .then(function (page) {
        var fresh = new DOMParser().parseFromString(page, 'text/html').getElementById('facility-list');
        if (fresh) list.replaceWith(document.adoptNode(fresh));
      })
      .catch(function () {
        line('Imported, but the list could not be refreshed: reload the page to see it.', 'status-bad');
      });
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var file = form.elements.file.files[0];
    var dryRun = form.elements.dryRun.checked;
    out.textContent = '';
    if (!file) return line('Choose a CSV file first.', 'status-bad');
    file
      .text()
      .then(function (csv) {
        return fetch('/api/v1/facilities/import?dryRun=' + (dryRun ? 'true' : 'false'), {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'text/csv', 'x-csrf-token': csrf },
          body: csv,
        });
      })
      .then(function (res) {
        if (res.status === 413) return line('The file is larger than 2 MB. Split it into smaller files.', 'status-bad');
        return res.json().then(function (r) {
          if (r.ok) {
            line((r.dryRun ? 'Dry run: nothing was written. ' : 'Imported. ') + r.rows + ' rows, ' + r.facilities + ' facilities: ' + r.inserted + ' new, ' + r.updated + ' updated.', 'status-ok');
            if (r.dryRun) line('If this looks right, untick "Dry run" and import again.');
            else refreshList();
            return;
          }
          if (!r.errors) return line(r.error || 'The import failed (' + res.status + ').', 'status-bad');
          line('Nothing was imported. Fix these ' + r.errors.length + ' problem(s) and try again:', 'status-bad');
          var table = document.createElement('table');
          var head = table.insertRow();
          ['Row', 'Column', 'Problem'].forEach(function (h) {
            var th = document.createElement('th');
            th.textContent = h;
            head.appendChild(th);
          });
          r.errors.forEach(function (err) {
            var tr = table.insertRow();
            [String(err.row), err.field, err.message].forEach(function (v) {
              tr.insertCell().textContent = v;
            });
          });
          out.appendChild(table);
        });
      })
      .catch(function () {
        line('Could not reach the server.', 'status-bad');
      });
  });
})();
