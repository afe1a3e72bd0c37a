# syntax=docker/dockerfile:1
# AuthHero for ECS Fargate: app/server.ts bundled by esbuild, dependencies from npm ci.
# infra/fargate-service.ts builds this file for linux/arm64 during `pulumi up`.

FROM node:22-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# package.json overrides point at these local placeholder packages, so npm ci needs them.
COPY packages ./packages
RUN npm ci
COPY tsconfig.json ./
COPY app ./app
# Dependencies stay external: app/assets.ts resolves AuthHero's files in node_modules at run time.
RUN npx esbuild app/server.ts --bundle --platform=node --format=esm --target=node22 \
      --packages=external --sourcemap --outfile=dist/server.mjs

FROM node:22-slim
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages ./packages
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /src/dist ./dist
USER node
EXPOSE 3000
# No HEALTHCHECK: the slim image has no curl, and the ALB target group probes /health instead.
CMD ["node", "--enable-source-maps", "dist/server.mjs"]
