// The console's only script: marks the page as scripted and starts GOV.UK Frontend's components.
// Loaded as a module from the node itself; the Content-Security-Policy forbids inline script.
import { initAll } from '/assets/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
