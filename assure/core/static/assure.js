// Starts the NHS.UK frontend components (header menu, error summary, character count…).
import { initAll } from "./nhsuk/nhsuk-frontend.min.js";

initAll();

// Content that htmx swaps in (a saved item, say) brings new components: start those too, and only those,
// so components already on the page are not started twice. htmx fires `htmx:load` on each new element.
document.addEventListener("htmx:load", (event) => {
  const element = event.target;
  if (element instanceof Element && element !== document.body) {
    initAll({ scope: element });
  }
});
