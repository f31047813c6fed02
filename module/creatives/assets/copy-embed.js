// The Copy buttons of the agent's Assets page. Without this script the buttons stay hidden and
// the code is copied from its (read-only) text box by hand.
document.querySelectorAll('button[data-copy]').forEach(function (button) {
  var box = document.getElementById(button.getAttribute('data-copy'));
  if (!box) return;
  button.hidden = false;
  button.addEventListener('click', function () {
    var done = function () {
      button.textContent = button.getAttribute('data-copied');
    };
    box.select();
    // The clipboard API exists only on secure origins; elsewhere the selected text is copied.
    if (navigator.clipboard && window.isSecureContext)
      navigator.clipboard.writeText(box.value).then(done, function () {
        document.execCommand('copy');
        done();
      });
    else {
      document.execCommand('copy');
      done();
    }
  });
});
