package console

import (
	"net/http"

	"github.com/appconfigd/appconfigd"
)

// fleetData is what the fleet page shows.
type fleetData struct {
	// Choices are the environments the key may read, by application.
	Choices []appEnvironments
	// Fleet is the chosen environment's fleet view; nil before a choice.
	Fleet *appconfigd.EnvironmentFleet
}

// handleFleet shows the fleet view: the environments to choose from and,
// for the chosen one (?app=…&env=…), the sessions that polled each of its
// profiles lately, by version.
func (s *Server) handleFleet(rq *request) error {
	ctx := rq.ctx()
	choices, err := s.readableEnvironments(rq)
	if err != nil {
		return err
	}
	data := &fleetData{Choices: choices}
	q := rq.URL.Query()
	if app, env := q.Get("app"), q.Get("env"); app != "" && env != "" {
		data.Fleet, err = s.Service.FleetView(ctx, app, env)
		if appconfigd.IsCode(err, appconfigd.EAccessDenied) {
			// As everywhere in the console, an application the key may
			// not read does not exist to it.
			err = appconfigd.Errorf(appconfigd.ENotFound, "Application %s not found", app)
		}
		if err != nil {
			data.Fleet = nil
			return rq.showError(err, "fleet", "Fleet", data)
		}
		return rq.render(http.StatusOK, "fleet", "Fleet of "+data.Fleet.ApplicationName+" / "+data.Fleet.EnvironmentName, data)
	}
	return rq.render(http.StatusOK, "fleet", "Fleet", data)
}
