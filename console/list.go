package console

import "github.com/appconfigd/appconfigd"

// maxListed bounds how many items a console list shows, so that a page
// stays a page: 20 pages of the service's listings.
const maxListed = 1000

// collect gathers the pages of a listing, up to maxListed items, and
// reports whether it stopped there with items left (truncated), which the
// pages that list say (template "truncated").
func collect[T any](list func(in appconfigd.ListInput) (*appconfigd.ListOutput[T], error)) (items []T, truncated bool, err error) {
	in := appconfigd.ListInput{}
	for {
		out, err := list(in)
		if err != nil {
			return nil, false, err
		}
		items = append(items, out.Items...)
		if out.NextToken == "" {
			return items, false, nil
		}
		if len(items) >= maxListed {
			return items, true, nil
		}
		in.NextToken = out.NextToken
	}
}

// appEnvironments is an application and its environments.
type appEnvironments struct {
	Application  *appconfigd.Application
	Environments []*appconfigd.Environment
}

// readableEnvironments lists the applications the key may read, each with
// its environments, for the pages that span applications (alarms, fleet).
func (s *Server) readableEnvironments(rq *request) ([]appEnvironments, error) {
	ctx := rq.ctx()
	apps, _, err := collect(func(in appconfigd.ListInput) (*appconfigd.ListOutput[*appconfigd.Application], error) {
		return s.Service.ListApplications(ctx, in)
	})
	if err != nil {
		return nil, err
	}
	var all []appEnvironments
	for _, a := range apps {
		if !rq.p.CanRead(a.ID, a.Name) {
			continue
		}
		envs, _, err := collect(func(in appconfigd.ListInput) (*appconfigd.ListOutput[*appconfigd.Environment], error) {
			return s.Service.ListEnvironments(ctx, a.ID, in)
		})
		if err != nil {
			return nil, err
		}
		all = append(all, appEnvironments{Application: a, Environments: envs})
	}
	return all, nil
}
