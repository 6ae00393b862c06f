# The nyx-orchestrator image: the same image runs `nyx migrate`, `nyx start`
# (control plane + HTTP on 3000) and `nyx worker` — docker-compose.yml picks
# the command. TypeScript runs through tsx (a runtime dependency): no build step.
FROM node:24-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production

# Dependencies first, so code changes do not reinstall them. Dev dependencies
# (jest, the `node` pin — the image already has Node 24) stay out.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src

USER node
EXPOSE 3000
CMD ["node", "bin/nyx.js", "start"]
