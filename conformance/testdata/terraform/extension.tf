# An extension with a parameter and one action, and its association with
# the application, with a value for the parameter. appconfigd stores an
# action's Lambda ARN and would fail only when invoking it, so the action
# acts at ON_DEPLOYMENT_ROLLED_BACK, a point the scenario never reaches:
# no deployment of main.tf rolls back. The extension's description and
# the association's value follow var.description, so that changing it
# updates both in place.

resource "aws_appconfig_extension" "notify" {
  name        = "tf-notify"
  description = "Pages on rollbacks (${var.description})"

  action_point {
    point = "ON_DEPLOYMENT_ROLLED_BACK"
    action {
      name     = "page"
      uri      = "arn:aws:lambda:us-east-1:000000000000:function:appconfig-rollback"
      role_arn = "arn:aws:iam::000000000000:role/appconfig-extension"
    }
  }

  parameter {
    name        = "channel"
    description = "Where to page"
    required    = true
  }

  tags = {
    owner = "sre"
  }
}

resource "aws_appconfig_extension_association" "app" {
  extension_arn = aws_appconfig_extension.notify.arn
  resource_arn  = aws_appconfig_application.app.arn
  parameters = {
    channel = "#config-${var.description}"
  }
}

output "extension_id" {
  value = aws_appconfig_extension.notify.id
}

output "extension_arn" {
  value = aws_appconfig_extension.notify.arn
}

output "extension_association_id" {
  value = aws_appconfig_extension_association.app.id
}

output "application_arn" {
  value = aws_appconfig_application.app.arn
}
