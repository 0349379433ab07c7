// Puppeteer (pulled in by @daisy/ace-cli for the accessibility tests) must never download a
// browser at install time: the build and the tests find one at run time (build/pdf/browser.ts).
module.exports = { skipDownload: true };
