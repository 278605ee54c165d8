# watchtime: a two-stage build. The runtime image holds one static-ish binary, CA certificates,
# the Noto CJK and colour emoji fonts (the chart images draw CJK and emoji names with them; the
# Latin, Arabic and Hebrew fonts are compiled into the binary) and a non-root user; time-zone
# data is compiled into the binary.

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p watchtime-bin \
    && cp target/release/watchtime /usr/local/bin/watchtime

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
        fonts-noto-cjk fonts-noto-color-emoji \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/watchtime --create-home watchtime
COPY --from=build /usr/local/bin/watchtime /usr/local/bin/watchtime
USER watchtime
WORKDIR /var/lib/watchtime
# Defaults for a container: health and metrics on :9000, JSON logs for the collector. No
# DATABASE_URL here: it would stand beside a DATABASE_URL_FILE given at run time, which is
# refused as ambiguous. Without either, the store is sqlite://watchtime.db in the working
# directory, which is the volume.
ENV WATCHTIME_LISTEN=0.0.0.0:9000 \
    WATCHTIME_LOG_FORMAT=json
VOLUME ["/var/lib/watchtime"]
EXPOSE 9000
STOPSIGNAL SIGTERM
ENTRYPOINT ["watchtime"]
CMD ["run"]
