package controlapi

import (
	"net/http"
	"slices"
	"strings"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
)

// Deployments (docs/WIRE.md §3.10).

// startDeploymentRequest is the StartDeployment body. LatestDeploymentNumber
// is in the current model, though aws-sdk-go-v2 v1.44.2 cannot send it.
type startDeploymentRequest struct {
	DeploymentStrategyId       string
	ConfigurationProfileId     string
	ConfigurationVersion       string
	Description                string
	Tags                       map[string]string
	KmsKeyIdentifier           string
	DynamicExtensionParameters map[string]string
	LatestDeploymentNumber     *int
}

// appliedExtensionJSON is the AppliedExtension structure (docs/WIRE.md
// Appendix B).
type appliedExtensionJSON struct {
	ExtensionId            string
	ExtensionAssociationId string
	VersionNumber          int
	Parameters             map[string]string `json:",omitempty"`
}

// deploymentEventJSON is the DeploymentEvent structure (docs/WIRE.md Appendix B).
type deploymentEventJSON struct {
	EventType         string
	TriggeredBy       string
	Description       string                 `json:",omitempty"`
	ActionInvocations []actionInvocationJSON `json:",omitempty"`
	OccurredAt        string
}

// actionInvocationJSON is the ActionInvocation structure (docs/WIRE.md
// Appendix B).
type actionInvocationJSON struct {
	ExtensionIdentifier string
	ActionName          string
	Uri                 string
	RoleArn             string `json:",omitempty"`
	ErrorMessage        string `json:",omitempty"`
	ErrorCode           string `json:",omitempty"`
	InvocationId        string
}

// deploymentJSON is the Deployment output shape of StartDeployment,
// GetDeployment and StopDeployment. Deployment State is UPPER_SNAKE
// (docs/WIRE.md §7.5); EventLog is newest first ("most recent events are
// displayed first", docs/WIRE.md §3.10); AppliedExtensions is always a list, as in
// AWS's output (docs/WIRE.md §7.5); CompletedAt appears once the deployment
// completed. KmsKeyArn is not sent: appconfigd resolves no KMS keys.
type deploymentJSON struct {
	ApplicationId               string
	EnvironmentId               string
	DeploymentStrategyId        string
	ConfigurationProfileId      string
	DeploymentNumber            int
	ConfigurationName           string
	ConfigurationLocationUri    string
	ConfigurationVersion        string
	Description                 string `json:",omitempty"`
	DeploymentDurationInMinutes int
	GrowthType                  string
	GrowthFactor                awsjson.Float
	FinalBakeTimeInMinutes      int
	State                       string
	EventLog                    []deploymentEventJSON
	PercentageComplete          awsjson.Float
	StartedAt                   string
	CompletedAt                 string `json:",omitempty"`
	AppliedExtensions           []appliedExtensionJSON
	VersionLabel                string `json:",omitempty"`
	KmsKeyIdentifier            string `json:",omitempty"`
}

// deploymentSummaryJSON is a ListDeployments item (docs/WIRE.md Appendix B,
// DeploymentSummary). ConfigurationProfileId and Type are in the current
// model though aws-sdk-go-v2 v1.44.2 does not read them; Type is USER, as
// MANAGED belongs to experiments (docs/WIRE.md §3.10).
type deploymentSummaryJSON struct {
	DeploymentNumber            int
	ConfigurationProfileId      string
	ConfigurationName           string
	ConfigurationVersion        string
	DeploymentDurationInMinutes int
	GrowthType                  string
	GrowthFactor                awsjson.Float
	FinalBakeTimeInMinutes      int
	State                       string
	PercentageComplete          awsjson.Float
	StartedAt                   string
	CompletedAt                 string `json:",omitempty"`
	VersionLabel                string `json:",omitempty"`
	Type                        string
}

type listDeploymentsResponse struct {
	Items     []deploymentSummaryJSON
	NextToken string `json:",omitempty"`
}

func toDeploymentJSON(d *appconfigd.Deployment) deploymentJSON {
	out := deploymentJSON{
		ApplicationId:               d.ApplicationID,
		EnvironmentId:               d.EnvironmentID,
		DeploymentStrategyId:        d.DeploymentStrategyID,
		ConfigurationProfileId:      d.ConfigurationProfileID,
		DeploymentNumber:            d.DeploymentNumber,
		ConfigurationName:           d.ConfigurationName,
		ConfigurationLocationUri:    d.ConfigurationLocationURI,
		ConfigurationVersion:        d.ConfigurationVersion(),
		Description:                 d.Description,
		DeploymentDurationInMinutes: d.DeploymentDurationInMinutes,
		GrowthType:                  string(d.GrowthType),
		GrowthFactor:                awsjson.Float(d.GrowthFactor),
		FinalBakeTimeInMinutes:      d.FinalBakeTimeInMinutes,
		State:                       string(d.State),
		EventLog:                    make([]deploymentEventJSON, 0, len(d.EventLog)),
		PercentageComplete:          awsjson.Float(d.PercentageComplete),
		StartedAt:                   isoTime(d.StartedAt),
		AppliedExtensions:           make([]appliedExtensionJSON, len(d.AppliedExtensions)),
		VersionLabel:                d.VersionLabel,
		KmsKeyIdentifier:            d.KMSKeyIdentifier,
	}
	for i, a := range d.AppliedExtensions {
		out.AppliedExtensions[i] = appliedExtensionJSON{
			ExtensionId:            a.ExtensionID,
			ExtensionAssociationId: a.ExtensionAssociationID,
			VersionNumber:          a.VersionNumber,
			Parameters:             a.Parameters,
		}
	}
	if !d.CompletedAt.IsZero() {
		out.CompletedAt = isoTime(d.CompletedAt)
	}
	// The domain keeps the log oldest first; the wire shows it newest
	// first.
	for _, e := range slices.Backward(d.EventLog) {
		ev := deploymentEventJSON{
			EventType:   string(e.EventType),
			TriggeredBy: string(e.TriggeredBy),
			Description: e.Description,
			OccurredAt:  isoTime(e.OccurredAt),
		}
		for _, inv := range e.ActionInvocations {
			ev.ActionInvocations = append(ev.ActionInvocations, actionInvocationJSON{
				ExtensionIdentifier: inv.ExtensionIdentifier,
				ActionName:          inv.ActionName,
				Uri:                 inv.URI,
				RoleArn:             inv.RoleARN,
				ErrorMessage:        inv.ErrorMessage,
				ErrorCode:           inv.ErrorCode,
				InvocationId:        inv.InvocationID,
			})
		}
		out.EventLog = append(out.EventLog, ev)
	}
	return out
}

func toDeploymentSummaryJSON(d *appconfigd.Deployment) deploymentSummaryJSON {
	out := deploymentSummaryJSON{
		DeploymentNumber:            d.DeploymentNumber,
		ConfigurationProfileId:      d.ConfigurationProfileID,
		ConfigurationName:           d.ConfigurationName,
		ConfigurationVersion:        d.ConfigurationVersion(),
		DeploymentDurationInMinutes: d.DeploymentDurationInMinutes,
		GrowthType:                  string(d.GrowthType),
		GrowthFactor:                awsjson.Float(d.GrowthFactor),
		FinalBakeTimeInMinutes:      d.FinalBakeTimeInMinutes,
		State:                       string(d.State),
		PercentageComplete:          awsjson.Float(d.PercentageComplete),
		StartedAt:                   isoTime(d.StartedAt),
		VersionLabel:                d.VersionLabel,
		Type:                        "USER",
	}
	if !d.CompletedAt.IsZero() {
		out.CompletedAt = isoTime(d.CompletedAt)
	}
	return out
}

// deployAtOnceHeader, true or false, asks StartDeployment to complete the
// deployment as it starts (docs/WIRE.md §3.10): appconfigd import recreates
// what another service deploys with it.
const deployAtOnceHeader = "Appconfigd-Deploy-At-Once"

// booleanHeader reads the header that carries the boolean member, true or
// false in any case, false when it is absent.
func booleanHeader(r *http.Request, member, header string) (bool, error) {
	vs := r.Header.Values(header)
	if len(vs) == 0 {
		return false, nil
	}
	switch v := strings.TrimSpace(vs[0]); {
	case strings.EqualFold(v, "true"):
		return true, nil
	case strings.EqualFold(v, "false"):
		return false, nil
	}
	return false, badRequest("%s must be true or false (header %s), got %q", member, header, vs[0])
}

// handleStartDeployment serves POST
// /applications/{ApplicationId}/environments/{EnvironmentId}/deployments →
// 201 with the deployment as it was at its start (docs/WIRE.md §7.5), or,
// with Appconfigd-Deploy-At-Once: true, as it completed.
func (s *Server) handleStartDeployment(w http.ResponseWriter, r *http.Request) error {
	appID, envID, err := environmentPathIdentifiers(r)
	if err != nil {
		return err
	}
	var req startDeploymentRequest
	if err := awsjson.DecodeJSON(r, &req); err != nil {
		return err
	}
	atOnce, err := booleanHeader(r, "DeployAtOnce", deployAtOnceHeader)
	if err != nil {
		return err
	}
	d, err := s.Service.StartDeployment(r.Context(), appID, envID, appconfigd.StartDeploymentInput{
		DeploymentStrategyID:       req.DeploymentStrategyId,
		ConfigurationProfileID:     req.ConfigurationProfileId,
		ConfigurationVersion:       req.ConfigurationVersion,
		Description:                req.Description,
		KMSKeyIdentifier:           req.KmsKeyIdentifier,
		Tags:                       req.Tags,
		LatestDeploymentNumber:     req.LatestDeploymentNumber,
		DynamicExtensionParameters: req.DynamicExtensionParameters,
		AtOnce:                     atOnce,
	})
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusCreated, toDeploymentJSON(d))
	return nil
}

// handleGetDeployment serves GET .../deployments/{DeploymentNumber}.
func (s *Server) handleGetDeployment(w http.ResponseWriter, r *http.Request) error {
	appID, envID, err := environmentPathIdentifiers(r)
	if err != nil {
		return err
	}
	number, err := pathNumber(r, "DeploymentNumber")
	if err != nil {
		return err
	}
	d, err := s.Service.GetDeployment(r.Context(), appID, envID, number)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusOK, toDeploymentJSON(d))
	return nil
}

// handleListDeployments serves GET .../deployments, newest first.
func (s *Server) handleListDeployments(w http.ResponseWriter, r *http.Request) error {
	appID, envID, err := environmentPathIdentifiers(r)
	if err != nil {
		return err
	}
	in, err := listInput(r)
	if err != nil {
		return err
	}
	out, err := s.Service.ListDeployments(r.Context(), appID, envID, in)
	if err != nil {
		return err
	}
	resp := listDeploymentsResponse{Items: make([]deploymentSummaryJSON, len(out.Items)), NextToken: out.NextToken}
	for i, d := range out.Items {
		resp.Items[i] = toDeploymentSummaryJSON(d)
	}
	awsjson.WriteJSON(w, http.StatusOK, resp)
	return nil
}

// handleStopDeployment serves DELETE .../deployments/{DeploymentNumber} →
// 202 with the whole deployment. The Allow-Revert header (true or false)
// asks to revert a completed deployment (docs/WIRE.md §3.10).
func (s *Server) handleStopDeployment(w http.ResponseWriter, r *http.Request) error {
	appID, envID, err := environmentPathIdentifiers(r)
	if err != nil {
		return err
	}
	number, err := pathNumber(r, "DeploymentNumber")
	if err != nil {
		return err
	}
	allowRevert, err := booleanHeader(r, "AllowRevert", "Allow-Revert")
	if err != nil {
		return err
	}
	d, err := s.Service.StopDeployment(r.Context(), appID, envID, number, allowRevert)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusAccepted, toDeploymentJSON(d))
	return nil
}
