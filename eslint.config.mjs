// eslint for mapper's browser runtime (make test runs it, through tests/test_js_runtime.py).
import js from "@eslint/js";

export default [
  // Only mapper's own runtime: not the vendored, installed or built copies of other code.
  {ignores: [".venv/", "build/", "dist/", "benchmarks/", "notebooks/", "outputs/", "mapper/html/static/vendor/"]},
  js.configs.recommended,
  {
    files: ["mapper/html/static/*.js"],
    languageOptions: {
      sourceType: "script",  // plain <script> elements in the page, not modules
      globals: {
        // Leaflet and GeographicLib's geodesics (geographiclib-geodesic defines `geodesic`), loaded first.
        L: "readonly",
        geodesic: "readonly",
        // The browser's globals that the runtime uses; anything else is a finding.
        window: "readonly",
        document: "readonly",
        performance: "readonly",
        requestAnimationFrame: "readonly",
        atob: "readonly",
      },
    },
  },
];
