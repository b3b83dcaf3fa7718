# gvm-worker: a GPU worker silo (rollout generation and the policy update, TorchSharp on CUDA).
# Build from the repository root:  docker build -f deploy/docker/worker.Dockerfile -t gvm-worker .
# Written for CUDA 12.8 (nvidia/cuda:12.8.1-runtime-ubuntu24.04) with PyTorch 2.11.0's CUDA 12.8
# build, whose libtorch the managed TorchSharp 0.107.0 loads through GVM_LIBTORCH_DIR (README,
# "CUDA"); the node needs an NVIDIA driver for CUDA 12.8 (>= 570) and the NVIDIA container toolkit,
# and a GPU that PyTorch's CUDA 12.8 wheel supports (recent wheels dropped Volta and older).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
# Self-contained: the CUDA image has no .NET (deploy/publish.sh holds the settings).
RUN bash deploy/publish.sh worker /app

FROM nvidia/cuda:12.8.1-runtime-ubuntu24.04
# .NET's own needs (TLS, compression) and a Python for PyTorch's wheel.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates libssl3t64 libgomp1 python3 python3-venv \
 && rm -rf /var/lib/apt/lists/*
RUN python3 -m venv /opt/torch \
 && /opt/torch/bin/pip install --no-cache-dir torch==2.11.0 --index-url https://download.pytorch.org/whl/cu128
ENV GVM_LIBTORCH_DIR=/opt/torch/lib/python3.12/site-packages/torch/lib
# Fails the build, not the first run, when the wheel's layout differs from the path above.
RUN test -f "$GVM_LIBTORCH_DIR/libtorch_cuda.so" && test -f "$GVM_LIBTORCH_DIR/libc10_cuda.so"
RUN useradd --uid 1654 --user-group --no-create-home --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=build /app .
COPY deploy/docker/healthcheck.sh /app/healthcheck.sh
ENV Gvm__Metrics__Enabled=true \
    Gvm__Metrics__Address=0.0.0.0 \
    Gvm__Metrics__Port=9464 \
    DOTNET_shutdownTimeoutSeconds=150
EXPOSE 11111 9464
USER app
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 CMD ["/app/healthcheck.sh", "/readyz"]
ENTRYPOINT ["/app/gvm-worker"]
