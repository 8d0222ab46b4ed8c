# nbgrader on the class hub, for the instructor and every student (hub/jupyterhub_config.py
# puts this folder on each server's JUPYTER_CONFIG_PATH and sets the variables read here).
import os

c = get_config()  # noqa: F821 - provided by nbgrader

# One course; its exchange is a folder every account can write (mode 1777), where the
# instructor's `nbgrader release_assignment` puts assignments and students' submissions land.
c.CourseDirectory.course_id = os.environ.get("HUB_COURSE", "deepnets")
c.Exchange.root = os.environ.get("HUB_EXCHANGE", "/srv/nbgrader/exchange")

# The instructor's course folder (~/course, made on the first login with every lesson's
# exercises as an assignment source). Its own nbgrader_config.py keeps the lessons' stubs.
if os.environ.get("NBGRADER_COURSE_ROOT"):
    c.CourseDirectory.root = os.environ["NBGRADER_COURSE_ROOT"]
