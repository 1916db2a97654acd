module.exports = {
  skipFiles: ["mocks/"],
  istanbulReporter: ["text", "json-summary", "html"],
  mocha: { grep: "@slow", invert: true },
};
