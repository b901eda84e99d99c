package client

import (
	"context"
	"time"

	"github.com/groupme-go/groupme/gen"
)

// EventsParams are the query parameters of ListEvents. The zero value asks
// for GroupMe's defaults.
type EventsParams struct {
	// From leaves out events before it (GroupMe's end_at parameter, whose
	// name suggests the opposite). Zero sends none.
	From time.Time
	// Limit is how many events to return; 0 leaves GroupMe's default (20).
	Limit int
}

// ListEvents calls GET /conversations/{conversation_id}/events/list and
// returns the conversation's calendar events. params may be nil.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) ListEvents(ctx context.Context, conversationID string, params *EventsParams) ([]CalendarEvent, error) {
	var p gen.ListEventsParams
	if params != nil {
		if !params.From.IsZero() {
			p.EndAt = Ptr(params.From.UTC().Format(time.RFC3339))
		}
		if params.Limit > 0 {
			p.Limit = Ptr(params.Limit)
		}
	}
	req, err := gen.NewListEventsRequest(u.c.base, conversationID, &p)
	res, err := doJSON[gen.EventList](ctx, u.c, call{op: "ListEvents"}, req, err)
	if err != nil {
		return nil, err
	}
	return res.Events, nil
}

// GetEvent calls GET /conversations/{conversation_id}/events/show and
// returns one calendar event.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) GetEvent(ctx context.Context, conversationID, eventID string) (*CalendarEvent, error) {
	req, err := gen.NewGetEventRequest(u.c.base, conversationID, &gen.GetEventParams{EventID: eventID})
	return eventResult(doJSON[gen.EventResult](ctx, u.c, call{op: "GetEvent"}, req, err))
}

// CreateEvent calls POST /conversations/{conversation_id}/events/create:
// it creates a calendar event (Name, StartAt, EndAt and TimeZone are
// required; times are ISO-8601 strings) and posts it to the conversation.
// It returns the event and the message announcing it.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) CreateEvent(ctx context.Context, conversationID string, event EventCreateRequest) (*EventCreated, error) {
	req, err := gen.NewCreateEventRequest(u.c.base, conversationID, event)
	return doJSON[gen.EventCreated](ctx, u.c, call{op: "CreateEvent"}, req, err)
}

// UpdateEvent calls POST /conversations/{conversation_id}/events/update and
// changes the fields set in change; only the event's creator may. StartAt,
// EndAt, TimeZone and IsAllDay must be set together or not at all.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) UpdateEvent(ctx context.Context, conversationID, eventID string, change EventUpdateRequest) (*CalendarEvent, error) {
	req, err := gen.NewUpdateEventRequest(u.c.base, conversationID, &gen.UpdateEventParams{EventID: eventID}, change)
	return eventResult(doJSON[gen.EventResult](ctx, u.c, call{op: "UpdateEvent"}, req, err))
}

// DeleteEvent calls DELETE /conversations/{conversation_id}/events/delete
// and cancels the event; only its creator may.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) DeleteEvent(ctx context.Context, conversationID, eventID string) error {
	req, err := gen.NewDeleteEventRequest(u.c.base, conversationID, &gen.DeleteEventParams{EventID: eventID})
	return doNoPayload(ctx, u.c, call{op: "DeleteEvent"}, req, err)
}

// RsvpEvent calls POST /conversations/{conversation_id}/events/rsvp and
// marks the caller as going (or not going), returning the event.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) RsvpEvent(ctx context.Context, conversationID, eventID string, going bool) (*CalendarEvent, error) {
	req, err := gen.NewRsvpEventRequest(u.c.base, conversationID, &gen.RsvpEventParams{EventID: eventID, Going: going})
	return eventResult(doJSON[gen.EventResult](ctx, u.c, call{op: "RsvpEvent"}, req, err))
}

// DeleteEventRsvp calls DELETE /conversations/{conversation_id}/events/rsvp/delete:
// the caller is neither going nor not going any more. It returns the event.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) DeleteEventRsvp(ctx context.Context, conversationID, eventID string) (*CalendarEvent, error) {
	req, err := gen.NewDeleteEventRsvpRequest(u.c.base, conversationID, &gen.DeleteEventRsvpParams{EventID: eventID})
	return eventResult(doJSON[gen.EventResult](ctx, u.c, call{op: "DeleteEventRsvp"}, req, err))
}

func eventResult(res *gen.EventResult, err error) (*CalendarEvent, error) {
	if err != nil {
		return nil, err
	}
	return &res.Event, nil
}
