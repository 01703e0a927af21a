// On-screen phone: each hop runs the real engine and USSD renderer on the server against
// the saved draft. The session state lives here, in the page, and nothing is stored.
(function () {
  'use strict';
  var box = document.getElementById('phone');
  if (!box) return;
  var draftId = box.getAttribute('data-draft');
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
  var screen = document.getElementById('sim-screen');
  var input = document.getElementById('sim-input');
  var status = document.getElementById('sim-status');
  var endNote = document.getElementById('sim-end');
  var state = null;
  var page = 0;

  function hop(text) {
    fetch('/api/v1/drafts/' + encodeURIComponent(draftId) + '/simulate', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ state: state, page: page, input: text }),
    })
      .then(function (res) {
        return res.json().then(function (data) {
          if (!res.ok) {
            status.textContent = data.error || 'The simulator could not answer (' + res.status + ').';
            return;
          }
          // the screen as the phone shows it (the server drops the CON/END protocol prefix)
          screen.textContent = data.screen.text;
          page = data.page;
          endNote.hidden = !data.screen.end;
          if (data.screen.end) {
            state = null;
            status.textContent = 'That was the last screen: the phone closes the session. Press Dial to try again.';
          } else {
            state = data.state;
            status.textContent = data.recorded.length
              ? 'Recorded: ' +
                data.recorded
                  .map(function (r) {
                    return r.question + ': ' + r.answer;
                  })
                  .join(', ')
              : '';
          }
          input.focus();
        });
      })
      .catch(function () {
        status.textContent = 'Could not reach the server.';
      });
  }

  document.getElementById('sim-dial').addEventListener('click', function () {
    state = null;
    endNote.hidden = true;
    page = 0;
    hop('');
  });
  document.getElementById('sim-form').addEventListener('submit', function (e) {
    e.preventDefault();
    if (!state) {
      status.textContent = 'Press Dial first.';
      return;
    }
    var text = input.value;
    input.value = '';
    hop(text);
  });
})();
