// Filters the CCG checkboxes of the cycle form by name or code as you type. Without JavaScript the filter stays
// hidden and every CCG is listed, grouped by region.
const filter = document.querySelector("[data-ccg-filter]");
if (filter) {
  const input = filter.querySelector("input");
  const items = Array.from(document.querySelectorAll("[data-ccg-item]"));
  filter.hidden = false;
  input.addEventListener("input", () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const item of items) {
      const text = item.textContent.toLowerCase();
      item.hidden = !words.every((word) => text.includes(word));
    }
    if (words.length) {
      for (const group of document.querySelectorAll(".assure-ccg-group")) {
        group.open = true;
      }
    }
  });
}
