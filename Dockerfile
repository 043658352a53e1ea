# planbot: the Telegram bot on the bundled plan. Build: docker build -t planbot .
# Run:   docker run -e TELEGRAM_BOT_TOKEN=... -e PLANBOT_ADMIN_IDS=... -v planbot-data:/data planbot
FROM python:3.11-slim

# Pass a CPU-only wheel index here to keep torch small (a plain torch pin pulls a CUDA build).
ARG PIP_EXTRA_INDEX_URL=""
ENV PIP_EXTRA_INDEX_URL=${PIP_EXTRA_INDEX_URL} \
    PIP_NO_CACHE_DIR=1 \
    PYTHONUNBUFFERED=1 \
    PLANBOT_DATA_DIR=/data \
    HF_HUB_OFFLINE=1

# OCR of scanned plans: Tesseract and its Vietnamese model.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-vie \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY planbot planbot
COPY bot bot
COPY index index
COPY corpus corpus
COPY nlp nlp
RUN pip install "torch==2.13.0" && pip install .

# Convert the bundled model and ingest the bundled plan at build time, so the
# first question after start is answered without waiting.
RUN PLANBOT_DATA_DIR=/opt/planbot-seed planbot plans

VOLUME /data
CMD ["sh", "-c", "[ -e /data/planbot.db ] || cp -r /opt/planbot-seed/. /data/; exec planbot serve"]
