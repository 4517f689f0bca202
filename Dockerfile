FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DEBUG=false
WORKDIR /app
COPY . .
# Editable, so that the code, templates and data all run from /app.
# The site and the standalone verifier, whose Merkle and note rules the transparency log uses.
RUN pip install --no-cache-dir -e . -e ./verifier
# Static files are collected into the image; whitenoise serves them compressed.
RUN SECRET_KEY=build-only python manage.py collectstatic --no-input
RUN useradd --system saylau && mkdir -p /app/var/media && chown -R saylau /app/var
USER saylau
EXPOSE 8000
# gunicorn's settings (processes, threads, keep-alive) are config/gunicorn.py's: WEB_WORKERS, WEB_THREADS.
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
