// Starts the NHS.UK frontend components (header menu, error summary, character count…).
import { initAll } from "./nhsuk/nhsuk-frontend.min.js";

initAll();
