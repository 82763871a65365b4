// After htmx swaps in the next step of a scenario, move the focus to its heading so that keyboard and
// screen-reader users land on the new step (without JavaScript, the page simply reloads).
document.addEventListener("htmx:afterSettle", function (event) {
  var heading = document.getElementById("titre-etape");
  if (heading && event.target && event.target.id === "etape") {
    heading.focus();
  }
});
