// Loaded synchronously at the top of <body>, so the NHS.UK frontend's JavaScript styles apply before the first
// paint. A static file rather than an inline script: the Content Security Policy allows scripts from files only.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
