"""Controllers by resource: the caller's own account and profiles (`me`), profiles by id
and their content (`profiles`), discovery (`search`), the admin routes (`admin`), health."""
