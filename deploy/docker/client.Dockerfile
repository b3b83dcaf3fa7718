# gvm: the client (import prompt sets, start and watch runs, query prompts), e.g. for the Job in
# deploy/k8s/run-job.yaml. Build from the repository root:
#   docker build -f deploy/docker/client.Dockerfile -t gvm .
# Written for .NET 10 (mcr.microsoft.com/dotnet/sdk:10.0 and runtime:10.0, Ubuntu 24.04, whose bash the health check uses).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
# The same publish as deploy/publish-gvm.sh (deploy/publish.sh holds the settings).
RUN bash deploy/publish.sh client /app

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /app .
ENV PATH=/app:$PATH
USER app
# A command that runs and exits, not a server: there is nothing to probe.
HEALTHCHECK NONE
ENTRYPOINT ["/app/gvm"]
