package extensionhttp

import (
	"encoding/base64"
	"strings"

	"github.com/appconfigd/appconfigd"
)

// event is the JSON AWS passes a Lambda extension, field for field
// (docs/COMPATIBILITY.md, "Extension actions").
type event struct {
	InvocationID string            `json:"InvocationId"`
	Parameters   map[string]string `json:"Parameters"`
	Type         string            `json:"Type"`
	Application  resource          `json:"Application"`
	// Environment is absent at PRE_CREATE_HOSTED_CONFIGURATION_VERSION.
	Environment          *resource `json:"Environment,omitempty"`
	ConfigurationProfile resource  `json:"ConfigurationProfile"`
	// DeploymentNumber is absent outside a deployment.
	DeploymentNumber int `json:"DeploymentNumber,omitempty"`
	// Description is null when there is none, as in AWS's samples.
	Description          *string `json:"Description"`
	ConfigurationVersion string  `json:"ConfigurationVersion,omitempty"`
	// Content (base64) and ContentType go to PRE_* actions only.
	Content     *string `json:"Content,omitempty"`
	ContentType string  `json:"ContentType,omitempty"`
}

// resource names an application, environment or profile.
type resource struct {
	ID   string `json:"Id"`
	Name string `json:"Name,omitempty"`
}

// newEvent builds the event of req.
func newEvent(req *appconfigd.ActionRequest) event {
	ev := event{
		InvocationID:         req.InvocationID,
		Parameters:           req.Parameters,
		Type:                 EventType(req.Point),
		Application:          resource(req.Application),
		ConfigurationProfile: resource(req.ConfigurationProfile),
		DeploymentNumber:     req.DeploymentNumber,
		ConfigurationVersion: req.ConfigurationVersion,
	}
	if ev.Parameters == nil {
		// An extension without parameters still gets {} (AWS's samples).
		ev.Parameters = map[string]string{}
	}
	if req.Environment.ID != "" {
		env := resource(req.Environment)
		ev.Environment = &env
	}
	if req.Description != "" {
		ev.Description = &req.Description
	}
	if req.Content != nil {
		content := base64.StdEncoding.EncodeToString(req.Content)
		ev.Content = &content
		ev.ContentType = req.ContentType
	}
	return ev
}

// EventType is the Type member of the event for action point p: the point
// in upper camel case, as AWS spells it (PRE_START_DEPLOYMENT becomes
// PreStartDeployment).
func EventType(p appconfigd.ActionPoint) string {
	var b strings.Builder
	for word := range strings.SplitSeq(string(p), "_") {
		if word == "" {
			continue
		}
		b.WriteString(word[:1])
		b.WriteString(strings.ToLower(word[1:]))
	}
	return b.String()
}
