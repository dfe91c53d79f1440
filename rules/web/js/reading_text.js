/* Reading level: the main content's text and the page language. */
const main = document.querySelector("main, [role=main]") || document.querySelector("article") || document.body;
return {text: main ? (main.innerText || "").slice(0, 200000) : "", lang: document.documentElement.lang || "",
        selector: main ? A11Y.selector(main) : "body"};
