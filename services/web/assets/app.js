// CareSignal's only script: it enhances pages that already work without it.
import { initAll } from "/assets/govuk-frontend.min.js";
import { initAll as initMoj } from "/assets/moj-frontend.min.js";

initAll();
initMoj();

// Area finder: an accessible autocomplete over council, ICB and region names. Without JavaScript the
// same form submits the typed text to /areas, which resolves it.
for (const input of document.querySelectorAll("[data-area-autocomplete]")) {
  const form = input.form;
  const names = await fetch(input.dataset.areaAutocomplete).then((response) => response.json());
  const wrapper = document.createElement("div");
  input.replaceWith(wrapper);
  window.accessibleAutocomplete({
    element: wrapper,
    id: input.id,
    name: input.name,
    defaultValue: input.value,
    minLength: 2,
    showNoOptionsFound: true,
    source: (query, populate) => {
      const wanted = query.toLowerCase();
      populate(names.filter((area) => area.label.toLowerCase().includes(wanted)).map((area) => area.label));
    },
    onConfirm: (label) => {
      const area = names.find((candidate) => candidate.label === label);
      if (area) window.location.assign(area.url);
    },
  });
  form.dataset.enhanced = "true";
}
