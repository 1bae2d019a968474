# The scenario of conformance/terraform_test.go: every aws_appconfig_*
# resource and data source of the Terraform AWS provider, configured as
# users configure it for an AppConfig emulator. The test copies every .tf
# file of this directory into a working directory, so another resource
# (extensions, say) is one more file here and one more step in the test.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

variable "endpoint" {
  type = string
}

variable "access_key" {
  type = string
}

variable "secret_key" {
  type      = string
  sensitive = true
}

variable "skip_requesting_account_id" {
  type = bool
}

# content is the freeform profile's hosted configuration: changing it
# replaces the hosted version and its deployment.
variable "content" {
  type = string
}

# description is the application's, changed in place.
variable "description" {
  type = string
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = var.access_key
  secret_key                  = var.secret_key
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = var.skip_requesting_account_id

  endpoints {
    appconfig = var.endpoint
    sts       = var.endpoint
  }
}

resource "aws_appconfig_application" "app" {
  name        = "tf-app"
  description = var.description
  tags = {
    team = "platform"
  }
}

resource "aws_appconfig_environment" "prod" {
  application_id = aws_appconfig_application.app.id
  name           = "prod"
  description    = "Production"

  monitor {
    alarm_arn      = "arn:aws:cloudwatch:us-east-1:000000000000:alarm:errors"
    alarm_role_arn = "arn:aws:iam::000000000000:role/appconfig-monitor"
  }

  tags = {
    stage = "prod"
  }
}

resource "aws_appconfig_configuration_profile" "settings" {
  application_id = aws_appconfig_application.app.id
  name           = "settings"
  description    = "Freeform settings"
  location_uri   = "hosted"
  type           = "AWS.Freeform"

  validator {
    type = "JSON_SCHEMA"
    content = jsonencode({
      "$schema" = "http://json-schema.org/draft-04/schema#"
      type      = "object"
    })
  }

  tags = {
    kind = "freeform"
  }
}

resource "aws_appconfig_configuration_profile" "flags" {
  application_id = aws_appconfig_application.app.id
  name           = "flags"
  location_uri   = "hosted"
  type           = "AWS.AppConfig.FeatureFlags"
}

resource "aws_appconfig_hosted_configuration_version" "settings" {
  application_id           = aws_appconfig_application.app.id
  configuration_profile_id = aws_appconfig_configuration_profile.settings.configuration_profile_id
  description              = "Settings"
  content_type             = "application/json"
  content                  = var.content
}

# AppConfig stores feature flags with generated _createdAt/_updatedAt
# members, and the provider compares what it reads back with the
# configuration: without ignore_changes every plan replaces this version,
# against AWS as against appconfigd.
resource "aws_appconfig_hosted_configuration_version" "flags" {
  application_id           = aws_appconfig_application.app.id
  configuration_profile_id = aws_appconfig_configuration_profile.flags.configuration_profile_id
  content_type             = "application/json"
  lifecycle {
    ignore_changes = [content]
  }
  content = jsonencode({
    version = "1"
    flags = {
      checkout = {
        name = "checkout"
        attributes = {
          limit = {
            constraints = {
              type = "number"
            }
          }
        }
      }
    }
    values = {
      checkout = {
        enabled = true
        limit   = 5
      }
    }
  })
}

# Zero duration and bake: deployments complete at once, so that a new one
# never waits for (or conflicts with) the previous.
resource "aws_appconfig_deployment_strategy" "instant" {
  name                           = "tf-instant"
  description                    = "All at once, no bake"
  deployment_duration_in_minutes = 0
  final_bake_time_in_minutes     = 0
  growth_factor                  = 100
  growth_type                    = "LINEAR"
  replicate_to                   = "NONE"
  tags = {
    speed = "instant"
  }
}

resource "aws_appconfig_deployment" "settings" {
  application_id           = aws_appconfig_application.app.id
  environment_id           = aws_appconfig_environment.prod.environment_id
  configuration_profile_id = aws_appconfig_configuration_profile.settings.configuration_profile_id
  configuration_version    = aws_appconfig_hosted_configuration_version.settings.version_number
  deployment_strategy_id   = aws_appconfig_deployment_strategy.instant.id
  description              = "Settings deployment"
  tags = {
    change = "settings"
  }
}

resource "aws_appconfig_deployment" "flags" {
  application_id           = aws_appconfig_application.app.id
  environment_id           = aws_appconfig_environment.prod.environment_id
  configuration_profile_id = aws_appconfig_configuration_profile.flags.configuration_profile_id
  configuration_version    = aws_appconfig_hosted_configuration_version.flags.version_number
  deployment_strategy_id   = aws_appconfig_deployment_strategy.instant.id
  # One deployment per environment at a time: after the settings one.
  depends_on = [aws_appconfig_deployment.settings]
}

data "aws_appconfig_configuration_profile" "settings" {
  application_id           = aws_appconfig_application.app.id
  configuration_profile_id = aws_appconfig_configuration_profile.settings.configuration_profile_id
}

data "aws_appconfig_configuration_profiles" "all" {
  application_id = aws_appconfig_application.app.id
  depends_on     = [aws_appconfig_configuration_profile.settings, aws_appconfig_configuration_profile.flags]
}

data "aws_appconfig_environment" "prod" {
  application_id = aws_appconfig_application.app.id
  environment_id = aws_appconfig_environment.prod.environment_id
}

data "aws_appconfig_environments" "all" {
  application_id = aws_appconfig_application.app.id
  depends_on     = [aws_appconfig_environment.prod]
}

output "application_id" {
  value = aws_appconfig_application.app.id
}

output "environment_id" {
  value = aws_appconfig_environment.prod.environment_id
}

output "settings_profile_id" {
  value = aws_appconfig_configuration_profile.settings.configuration_profile_id
}

output "flags_profile_id" {
  value = aws_appconfig_configuration_profile.flags.configuration_profile_id
}

output "settings_version" {
  value = aws_appconfig_hosted_configuration_version.settings.version_number
}

output "settings_deployment_number" {
  value = aws_appconfig_deployment.settings.deployment_number
}

output "profile_ids" {
  value = sort(tolist(data.aws_appconfig_configuration_profiles.all.configuration_profile_ids))
}

output "environment_ids" {
  value = sort(tolist(data.aws_appconfig_environments.all.environment_ids))
}

output "data_profile_name" {
  value = data.aws_appconfig_configuration_profile.settings.name
}

output "data_environment_name" {
  value = data.aws_appconfig_environment.prod.name
}
