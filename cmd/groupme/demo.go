package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"

	"github.com/groupme-go/groupme/client"
	"github.com/spf13/cobra"
)

//nolint:gocognit // a linear tour: each step is a call and an `if err != nil { return err }`
func (a *app) demoCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "A tour against the built-in fake GroupMe: list, export, send with an image, like, leaderboard",
		Long: `demo always uses the built-in fake GroupMe, whatever token is set, so it
never writes to a real group. It lists the groups, exports the 10,000-message
group with progress, sends a message with an image, likes it, and shows the
leaderboard, then prints a summary and where the export went.`,
		Args: exactArgs(),
	}
	cmd.Flags().StringVar(&out, "out", filepath.Join(os.TempDir(), "groupme-demo", "export.jsonl"), "where the export goes")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		a.jsonOut = false
		if err := a.connect(cmd.Context(), true); err != nil {
			return err
		}
		ctx := cmd.Context()
		step := func(n int, title string) { fmt.Fprintf(a.stdout, "\n== %d. %s ==\n", n, title) }

		step(1, "Your groups")
		var groups []client.Group
		for g, err := range a.api.ListGroupsIter(ctx, nil) {
			if err != nil {
				return err
			}
			groups = append(groups, g)
		}
		if err := a.out().emit(groups, groupsTable(groups)); err != nil {
			return err
		}

		big := a.dataset.Groups[0]
		step(2, "Export group "+big+" (oldest first, JSON Lines)")
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		res, err := a.export(ctx, big, out, exportOptions{maxWait: defaultMaxWait})
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "wrote %d messages to %s in %.1fs\n", res.Messages, res.File, res.Seconds)

		step(3, "Send a message with an image")
		pic := filepath.Join(filepath.Dir(out), "demo.png")
		if err := os.WriteFile(pic, demoPNG(), 0o644); err != nil {
			return err
		}
		att, url, err := a.imageAttachment(cmd, pic)
		if err != nil {
			return err
		}
		text := "Photo from the groupme demo"
		sent, err := a.api.CreateMessage(ctx, big, client.NewMessage{Text: &text, Attachments: &[]client.Attachment{att}})
		if err != nil {
			return err
		}
		if err := a.out().emit(sent, messagesTable([]client.Message{*sent})); err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "image: %s\n", url)

		step(4, "Like it")
		if _, err := a.api.LikeMessage(ctx, big, sent.ID, nil); err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "liked message %s\n", sent.ID)

		step(5, "Leaderboard (day)")
		top, err := a.api.GetLeaderboard(ctx, big, client.PeriodDay)
		if err != nil {
			return err
		}
		if err := a.out().emit(top, messagesTable(top)); err != nil {
			return err
		}
		onBoard := false
		for _, m := range top {
			onBoard = onBoard || m.ID == sent.ID
		}

		fmt.Fprintf(a.stdout, "\n== Summary ==\n")
		fmt.Fprintf(a.stdout, "groups:      %d\n", len(groups))
		fmt.Fprintf(a.stdout, "exported:    %d messages of group %s in %.1fs\n", res.Messages, big, res.Seconds)
		fmt.Fprintf(a.stdout, "sent:        message %s with an image\n", sent.ID)
		fmt.Fprintf(a.stdout, "liked:       %v (on the leaderboard: %v, %d messages there)\n", true, onBoard, len(top))
		fmt.Fprintf(a.stdout, "export file: %s\n", res.File)
		if !onBoard {
			return fmt.Errorf("the liked message is missing from the leaderboard")
		}
		return nil
	}
	return cmd
}

// demoPNG draws a small picture to upload, so the demo needs no files.
func demoPNG() []byte {
	const w, h = 64, 48
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: uint8(4 * x), G: uint8(5 * y), B: 160, A: 255})
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}
