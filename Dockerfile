# syntax=docker/dockerfile:1
# Citizen report card service: multi-stage build, non-root runtime, health check.

FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV MONGOMS_DISABLE_POSTINSTALL=1
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    MONGOMS_DISABLE_POSTINSTALL=1
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY flows ./flows
COPY locales ./locales
# the node image ships an unprivileged "node" user; the app never needs root
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# production refuses to start without MONGODB_URI, RESPONDENT_KEY_SECRET, STAFF_SESSION_SECRET,
# CONTACT_ENCRYPTION_KEY and AT_CALLBACK_TOKEN (or AT_CALLBACK_AUTH=proxy); see README.md. test/production/image-layout.test.ts
# replays this file (COPY, RUN, ENV, CMD) in a temporary folder: keep its forms simple.
CMD ["node", "dist/src/main.js"]
