from emberwatch.core.errors import AppError, Conflict, NotFound


class DepartmentNotFound(NotFound):
    code = "department_not_found"


class UnknownDepartment(AppError):
    """A request refers to a department that does not exist."""

    status_code = 400
    code = "unknown_department"


class DepartmentNameTaken(Conflict):
    code = "department_name_taken"


class DepartmentCycle(AppError):
    status_code = 400
    code = "department_cycle"


class InvalidManager(AppError):
    status_code = 400
    code = "invalid_manager"
