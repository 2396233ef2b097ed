// Asks before a form with data-confirm="question" is sent (a delete, for instance).
// A static file instead of inline onsubmit handlers: the Content-Security-Policy allows no
// inline script.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
