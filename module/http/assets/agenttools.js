// Agent Tools' pages, once loaded: a button that moves money or cannot be undone asks first,
// saying what it will do (its data-confirm); a refused form brings its error summary into view
// and gives it the focus, so that a reader on a phone, or with a screen reader, lands on it.
(function () {
  document.addEventListener(
    'submit',
    function (event) {
      var button = event.submitter;
      var text = (button && button.getAttribute('data-confirm')) || event.target.getAttribute('data-confirm');
      if (text && !window.confirm(text)) event.preventDefault();
    },
    true,
  );

  // A field a summary's link names, by its id, or else by its name inside the page.
  function field(name) {
    return document.getElementById(name) || document.querySelector('[name="' + name.replace(/["\\]/g, '') + '"]');
  }

  var FIELDS = 'input:not([type="hidden"]), select, textarea';

  // The field a message beside it is about: the one it names, or else the nearest one before it
  // (looking from the message, then from the box around it).
  function fieldOf(error) {
    var named = error.getAttribute('data-field');
    if (named && field(named)) return field(named);
    for (var from = error, depth = 0; from && depth < 3; from = from.parentElement, depth++) {
      for (var e = from.previousElementSibling; e; e = e.previousElementSibling) {
        if (e.matches(FIELDS)) return e;
        var inside = e.querySelectorAll(FIELDS);
        if (inside.length) return inside[inside.length - 1];
      }
    }
    return null;
  }

  // Each message beside a field describes that field, for a screen reader; the field says it is wrong.
  var errors = [];
  document.querySelectorAll('.field-error').forEach(function (error) {
    if (!error.textContent.trim() || error.id === 'form-errors' || error.closest('#form-errors')) return;
    var input = fieldOf(error);
    errors.push({ error: error, input: input });
    if (!input) return;
    input.setAttribute('aria-invalid', 'true');
    var described = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    var box = input.id && document.getElementById('err-' + input.id);
    if (!error.id && !(box && box.contains(error)) && input.id && !box) error.id = 'err-' + input.id;
    var id = error.id || (box && box.contains(error) ? box.id : '');
    if (id && described.indexOf(id) < 0) input.setAttribute('aria-describedby', described.concat(id).join(' '));
  });

  // The list of the messages, each linking to its field.
  function errorList() {
    var list = document.createElement('ul');
    errors.forEach(function (found) {
      var item = document.createElement('li');
      var text = found.error.textContent.trim();
      if (found.input && found.input.id) {
        var link = document.createElement('a');
        link.href = '#' + found.input.id;
        link.setAttribute('data-field', found.input.id);
        link.textContent = text;
        item.appendChild(link);
      } else item.textContent = text;
      list.appendChild(item);
    });
    return list;
  }

  // A refused page whose controller kept no list of its errors: the summary is made of the messages.
  var gather = document.querySelector('.at-page[data-gather-errors]');
  if (gather && !document.getElementById('form-errors') && errors.length) {
    var box = document.createElement('div');
    box.className = 'at-form-errors';
    box.id = 'form-errors';
    box.tabIndex = -1;
    box.setAttribute('role', 'alert');
    var heading = document.createElement('h2');
    heading.textContent = gather.getAttribute('data-gather-errors');
    box.appendChild(heading);
    box.appendChild(errorList());
    gather.insertBefore(box, gather.firstChild);
  }

  var summary = document.getElementById('form-errors');
  if (!summary) return;
  // A page's own summary that says only that the form was refused: the links to the fields follow it.
  if (!summary.querySelector('a[data-field], a[href^="#"]') && errors.length) summary.appendChild(errorList());
  summary.querySelectorAll('a[data-field]').forEach(function (link) {
    link.addEventListener('click', function (event) {
      var input = field(link.getAttribute('data-field'));
      if (!input) return;
      event.preventDefault();
      input.scrollIntoView({ block: 'center' });
      input.focus();
    });
  });
  if (!summary.hasAttribute('tabindex')) summary.tabIndex = -1;
  summary.focus();
  summary.scrollIntoView({ block: 'start' });
})();
