# gvm-silo: a control silo (prompts, runs, the rollout queue, the gateway for clients).
# Build from the repository root:  docker build -f deploy/docker/silo.Dockerfile -t gvm-silo .
# Written for .NET 10 (mcr.microsoft.com/dotnet/sdk:10.0 and aspnet:10.0, Ubuntu 24.04, whose bash the health check uses).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
# The same publish the tests run (deploy/publish.sh holds the settings).
RUN bash deploy/publish.sh silo /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
COPY deploy/docker/healthcheck.sh /app/healthcheck.sh
# The operations endpoint (/metrics, /healthz, /readyz) on every interface of the container, so
# the health check, Prometheus and the kubelet reach it; the silo and gateway ports stay on
# loopback until the deployment sets Gvm:Silo:ListenAddress with TLS (deploy/k8s). The health check
# needs this endpoint: a container that turns Gvm__Metrics__Enabled off should also drop the check.
ENV Gvm__Metrics__Enabled=true \
    Gvm__Metrics__Address=0.0.0.0 \
    Gvm__Metrics__Port=9464 \
    DOTNET_shutdownTimeoutSeconds=90
EXPOSE 11111 30000 9464
# The non-root user of the .NET images (uid 1654).
USER app
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["/app/healthcheck.sh", "/readyz"]
ENTRYPOINT ["/app/gvm-silo"]
