// Starts Swagger UI on /docs from a file of its own, so the page's Content-Security-Policy may
// forbid inline scripts. It reads this server's /openapi.json; tokens given to "Authorize" stay
// in the page's memory (never localStorage), and nothing is sent to validator.swagger.io.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    persistAuthorization: false,
    displayRequestDuration: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
});
