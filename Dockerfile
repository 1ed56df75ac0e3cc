# syntax=docker/dockerfile:1
# backbone-otel-agent: the release tree of `npm run package` (the agent built to JavaScript,
# its production dependencies and its own Node.js 24), the same tree as the linux tarball and
# the .deb and .rpm install in /opt/backbone-otel-agent, on Debian slim; a non-root user, and
# no writes outside /var/lib/backbone-otel-agent, so it runs with a read-only root file system.
#
#   docker build -t backbone-otel-agent:0.1.0 .
#   docker run -d --name backbone-otel-agent --read-only \
#     -v "$JIRA_HOME/data/backbone-issue-sync:/backbone:ro" \
#     -v backbone-otel-state:/var/lib/backbone-otel-agent \
#     -p 9464:9464 backbone-otel-agent:0.1.0
#
# Both architectures: docker buildx build --platform linux/amd64,linux/arm64 (the build stage
# runs on the build machine and takes the target's Node.js from npm; nothing is compiled).
# The user is 1000:1000; add --group-add <GID of JIRA_HOME's group> when the Backbone folder is
# readable by its group only. Another configuration: mount it at /etc/backbone-otel-agent/config.yaml
# (config/examples/*.yaml; keep the health_check extension, the HEALTHCHECK asks it).

FROM --platform=$BUILDPLATFORM node:24-slim AS build
ARG TARGETARCH=amd64
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY src ./src
COPY scripts/package.ts ./scripts/package.ts
COPY scripts/package ./scripts/package
COPY deploy/packaging ./deploy/packaging
COPY deploy/systemd ./deploy/systemd
COPY config ./config
COPY docs ./docs
COPY README.md ./
RUN npm run package -- --format tar --arch ${TARGETARCH} \
    && mkdir -p /opt/backbone-otel-agent \
    && tar -xzf release/backbone-otel-agent-*.tar.gz --strip-components=1 -C /opt/backbone-otel-agent

# glibc and libstdc++ for the bundled Node.js; no Node.js of its own.
FROM debian:bookworm-slim
# An 8 MB young generation, as the agent sets for itself (src/cli/v8-settings.ts): the trade between RSS and the highest move rates (docs/performance.md).
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=8 \
    BACKBONE_ROOT=/backbone \
    STATE_DIRECTORY=/var/lib/backbone-otel-agent
WORKDIR /opt/backbone-otel-agent
COPY --from=build /opt/backbone-otel-agent /opt/backbone-otel-agent
COPY deploy/docker/config.yaml /etc/backbone-otel-agent/config.yaml
RUN mkdir -p /backbone /var/lib/backbone-otel-agent \
    && chown 1000:1000 /var/lib/backbone-otel-agent \
    && chmod 0700 /var/lib/backbone-otel-agent
USER 1000:1000
VOLUME ["/var/lib/backbone-otel-agent"]
EXPOSE 9464
# Liveness (/livez): "unhealthy" only when a component failed for good or the agent hangs, as
# orchestrators that act on it (Swarm, ECS) replace such a container; a backend or Jira away
# shows at / (curl it, or the status page), not here.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["/opt/backbone-otel-agent/runtime/node", "-e", "fetch('http://127.0.0.1:13133/livez').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/opt/backbone-otel-agent/bin/backbone-otel"]
CMD ["run", "--config", "/etc/backbone-otel-agent/config.yaml"]
