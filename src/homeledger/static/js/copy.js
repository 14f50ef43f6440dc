// A "Copy" button beside a read-only field: data-copy names the field's id.
// Without script the button stays hidden and the field is selected by hand.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    if (!field || !navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
        button.textContent = "Copied";
      } catch {
        button.textContent = "Select and copy by hand";
      }
    });
  }
  for (const field of document.querySelectorAll("[readonly][data-testid=invite-secret]")) {
    field.addEventListener("focus", () => field.select());
  }
});
