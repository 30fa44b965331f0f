// GOV.UK Frontend's template snippet, served as a file: the Content-Security-Policy allows no inline script.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
