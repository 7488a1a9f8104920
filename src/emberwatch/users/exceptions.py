from emberwatch.core.errors import Conflict, NotFound


class UserNotFound(NotFound):
    code = "user_not_found"


class EmailTaken(Conflict):
    code = "email_taken"


class LastAdmin(Conflict):
    code = "last_admin"
