"""What the elections app announces, for the apps built on it (which it must not import).

Sent by the tasks after each commit, in the worker that did the work (in the process when tasks
run eagerly). Receivers queue their own tasks by name and return at once: a receiver that
raises would fail the sending task's run, after its work is committed.
"""

from django.dispatch import Signal

# After a publication batch is committed: ``publications``, the Publication rows appended.
records_published = Signal()
# After an aggregation run's slices are committed and their snapshot files written, once a
# run: ``contest_ids``, every contest the run brought up to date.
contests_aggregated = Signal()
# Unlike the two above, sent while the election archive is written (services.archive), for
# the apps that add files to it: ``archive``, the open zip file. Each receiver writes its
# members and returns {member name: SHA-256}, which the manifest lists; one that raises fails
# the archive, which is then not written half.
archive_writing = Signal()
# Sent while an archive is checked (services.archive.archive_problems, verify_results
# --archive), for the apps whose files it holds: ``path`` (the zip) and ``manifest``. Each
# receiver returns the problems it finds in its own files (a list of sentences); one that
# raises is itself reported as a problem.
archive_checking = Signal()
