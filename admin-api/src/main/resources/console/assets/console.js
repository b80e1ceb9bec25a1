// Progressive enhancement only: every page works without it.
document.addEventListener('click', (event) => {
    const copy = event.target.closest('[data-copy]');
    if (copy) {
        const field = document.getElementById(copy.dataset.copy);
        field.select();
        const done = () => { copy.textContent = 'Copied'; setTimeout(() => { copy.textContent = 'Copy'; }, 1500); };
        if (navigator.clipboard) {
            navigator.clipboard.writeText(field.value).then(done, () => document.execCommand('copy') && done());
        } else if (document.execCommand('copy')) {
            done();
        }
    }
    const clear = event.target.closest('[data-clear-scopes]');
    if (clear) {
        clear.closest('.scope-picker').querySelectorAll('input[type=checkbox]').forEach((box) => { box.checked = false; });
    }
});
document.addEventListener('change', (event) => {
    const toggle = event.target.closest('[data-api-toggle]');
    if (toggle) {
        document.querySelectorAll(`input[data-api="${CSS.escape(toggle.dataset.apiToggle)}"]`)
            .forEach((box) => { box.checked = toggle.checked; });
    }
    const method = event.target.closest('input[data-api]');
    if (method) {
        const api = method.dataset.api;
        const anyTicked = [...document.querySelectorAll(`input[data-api="${CSS.escape(api)}"]`)].some((box) => box.checked);
        const boxes = [...document.querySelectorAll(`input[data-api="${CSS.escape(api)}"]`)];
        const apiToggle = document.querySelector(`input[data-api-toggle="${CSS.escape(api)}"]`);
        if (apiToggle) {
            apiToggle.checked = boxes.every((box) => box.checked);
            apiToggle.indeterminate = anyTicked && !apiToggle.checked;
        }
    }
});
// On load, an API with some but not all methods ticked shows its switch half-set.
document.querySelectorAll('input[data-api-toggle]').forEach((toggle) => {
    const boxes = [...document.querySelectorAll(`input[data-api="${CSS.escape(toggle.dataset.apiToggle)}"]`)];
    toggle.checked = boxes.length > 0 && boxes.every((box) => box.checked);
    toggle.indeterminate = !toggle.checked && boxes.some((box) => box.checked);
});
document.addEventListener('submit', (event) => {
    const message = event.target.dataset.confirm;
    if (message && !window.confirm(message)) {
        event.preventDefault();
    }
});
// A More menu closes with Escape and when focus or a click leaves it.
document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
        document.querySelectorAll('details.menu[open]').forEach((menu) => {
            menu.open = false;
            menu.querySelector('summary').focus();
        });
    }
});
document.addEventListener('click', (event) => {
    document.querySelectorAll('details.menu[open]').forEach((menu) => {
        if (!menu.contains(event.target)) { menu.open = false; }
    });
});
