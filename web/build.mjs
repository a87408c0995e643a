// Builds web/dist: the page, its stylesheet and script, the logo and rasa-webchat's UMD bundle
// (React, socket.io-client 3.x and the widget's CSS in one file). Everything is served locally by the
// Rasa server (mot.channels.webchat); nothing is loaded from a CDN.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const widgetDir = join(here, "node_modules", "rasa-webchat");
const wanted = JSON.parse(readFileSync(join(here, "package.json"), "utf8")).dependencies["rasa-webchat"];
const installed = JSON.parse(readFileSync(join(widgetDir, "package.json"), "utf8")).version;
if (installed !== wanted) {
  console.error(`rasa-webchat ${installed} is installed but package.json pins ${wanted}: run npm ci`);
  process.exit(1);
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
copyFileSync(join(widgetDir, "lib", "index.js"), join(dist, "rasa-webchat.js"));
for (const name of ["index.html", "chat.css", "chat.js", "xiaoshuidi.svg"]) {
  copyFileSync(join(here, "src", name), join(dist, name));
}
writeFileSync(join(dist, "build.json"), JSON.stringify({ "rasa-webchat": installed, built: new Date().toISOString() }, null, 2) + "\n");
console.log(`web/dist built (rasa-webchat ${installed})`);
