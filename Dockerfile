# The nyx-orchestrator image: the same image runs `nyx migrate`, `nyx start`
# (control plane + HTTP on 3000) and `nyx worker` — docker-compose.yml picks
# the command. The `nyx` bin runs the built JavaScript on plain node.

# Build stage: dist/ from the TypeScript sources (tsc, a dev dependency).
FROM node:24-bookworm-slim AS build
WORKDIR /app
# (--ignore-scripts: `prepare` would build before src/ is copied; the image's
# own Node 24 runs tsc, so the `node` dev dependency's install is not needed.)
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json

FROM node:24-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production

# Dependencies first, so code changes do not reinstall them: `dependencies`
# plus the peer dependencies (bullmq, zod, @mikro-orm/core and /postgresql),
# what an application installing the package has. The peers are also dev
# dependencies (for the project's own tests), which would make
# `--omit=dev` skip them; dropping that listing first lets npm ci install
# them, at the locked versions, as peers. No install script of a run-time
# dependency is needed, and `prepare` (the build) was done above.
COPY package.json package-lock.json ./
RUN node -e "const fs = require('node:fs'); const p = JSON.parse(fs.readFileSync('package.json', 'utf8')); for (const name of Object.keys(p.peerDependencies)) delete p.devDependencies[name]; fs.writeFileSync('package.json', JSON.stringify(p, null, 2));" \
  && npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

COPY bin ./bin
COPY --from=build /app/dist ./dist

USER node
EXPOSE 3000
CMD ["node", "bin/nyx.js", "start"]
