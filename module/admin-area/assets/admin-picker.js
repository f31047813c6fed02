// The admin's person picker: turns <input data-picker="agent|client" data-picker-url="…"> into an
// ARIA combobox (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/) that searches by name or
// e-mail as the admin types and puts the chosen person's id into the hidden field named by
// data-picker-value. Without this script the input still works: the server resolves an exact e-mail.
(function () {
  'use strict';
  var DELAY_MS = 200;

  function setup(input) {
    var hidden = document.getElementById(input.getAttribute('data-picker-value'));
    var status = document.getElementById(input.id + '-status');
    var list = document.createElement('ul');
    list.id = input.id + '-listbox';
    list.className = 'at-picker-list';
    list.setAttribute('role', 'listbox');
    list.hidden = true;
    input.insertAdjacentElement('afterend', list);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', list.id);
    input.setAttribute('autocomplete', 'off');

    var timer = null;
    var seq = 0;
    var results = [];
    var active = -1;

    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }

    function highlight(i) {
      var items = list.children;
      for (var k = 0; k < items.length; k++) items[k].setAttribute('aria-selected', k === i ? 'true' : 'false');
      active = i;
      if (i >= 0 && items[i]) {
        input.setAttribute('aria-activedescendant', items[i].id);
        items[i].scrollIntoView({ block: 'nearest' });
      } else input.removeAttribute('aria-activedescendant');
    }

    function choose(i) {
      var p = results[i];
      if (!p) return;
      input.value = p.name + ' <' + p.email + '>';
      if (hidden) hidden.value = String(p.id);
      input.setAttribute('data-picked', String(p.id));
      close();
    }

    function show(found) {
      results = found;
      list.textContent = '';
      found.forEach(function (p, i) {
        var li = document.createElement('li');
        li.id = list.id + '-' + i;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.setAttribute('data-id', String(p.id));
        // textContent only: names and e-mails are never read as HTML.
        var name = document.createElement('span');
        name.textContent = p.name;
        var email = document.createElement('span');
        email.className = 'at-picker-email';
        email.textContent = ' ' + p.email + (p.company ? ' · ' + p.company : '') + ' · #' + p.id;
        li.appendChild(name);
        li.appendChild(email);
        li.addEventListener('mousedown', function (e) {
          e.preventDefault();
          choose(i);
        });
        list.appendChild(li);
      });
      list.hidden = found.length === 0;
      input.setAttribute('aria-expanded', found.length ? 'true' : 'false');
      if (status) status.textContent = (input.getAttribute(found.length === 1 ? 'data-picker-one' : 'data-picker-many') || '').replace('{n}', String(found.length));
      active = -1;
    }

    function search() {
      var q = input.value.trim();
      var mine = ++seq;
      if (q.length < 2) return show([]);
      var url = input.getAttribute('data-picker-url') + '&kind=' + encodeURIComponent(input.getAttribute('data-picker')) + '&q=' + encodeURIComponent(q);
      fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) {
          return r.ok ? r.json() : { results: [] };
        })
        .then(function (body) {
          if (mine === seq) show(body.results || []);
        })
        .catch(function () {
          if (mine === seq) show([]);
        });
    }

    input.addEventListener('input', function () {
      // A changed text no longer names the person chosen before.
      if (hidden) hidden.value = '';
      input.removeAttribute('data-picked');
      clearTimeout(timer);
      timer = setTimeout(search, DELAY_MS);
    });
    input.addEventListener('keydown', function (e) {
      var open = !list.hidden && results.length > 0;
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        if (!open) return search();
        highlight(active + 1 >= results.length ? 0 : active + 1);
      } else if (e.key === 'ArrowUp') {
        if (!open) return;
        e.preventDefault();
        highlight(active <= 0 ? results.length - 1 : active - 1);
      } else if (e.key === 'Enter') {
        if (open && active >= 0) {
          e.preventDefault();
          choose(active);
        }
      } else if (e.key === 'Escape') {
        if (open) {
          e.preventDefault();
          close();
        }
      }
    });
    input.addEventListener('blur', function () {
      setTimeout(close, 100);
    });
  }

  var inputs = document.querySelectorAll('input[data-picker]');
  for (var i = 0; i < inputs.length; i++) setup(inputs[i]);
})();
