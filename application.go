package appconfigd

import "time"

// Application is an organizational construct like a folder that groups
// environments and configuration profiles (docs/WIRE.md §3.5).
type Application struct {
	ID          string
	Name        string
	Description string
	CreatedAt   time.Time
}

// Validate checks the members a client supplies.
func (a *Application) Validate() error {
	if err := checkLength("Name", a.Name, 1, maxNameLength); err != nil {
		return err
	}
	return checkLength("Description", a.Description, 0, maxDescriptionLength)
}

// ApplicationUpdate holds the members UpdateApplication may change; nil
// means unchanged.
type ApplicationUpdate struct {
	Name        *string
	Description *string
}

// Apply applies u to a.
func (u ApplicationUpdate) Apply(a *Application) {
	if u.Name != nil {
		a.Name = *u.Name
	}
	if u.Description != nil {
		a.Description = *u.Description
	}
}
