package main

import (
	"mime"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/cmd/groupme/internal/msgid"
	"github.com/spf13/cobra"
)

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "groupme",
		Short: "Read, write and archive GroupMe from the command line",
		Long: `groupme talks to GroupMe's public API.

Sign in once with 'groupme login' (it asks for the access token from
https://dev.groupme.com: log in, then "Access Token", and keeps it in
` + a.configFile() + `), or give a token with --token or the GROUPME_TOKEN
variable. Without a token, commands that talk to GroupMe stop with exit
code 2. With --fake (or 'groupme demo') the program starts a fake GroupMe
inside the process, seeded with demo data, so every command can be tried
without an account.

Exit codes: 0 success, 1 the API or the system failed, 2 bad command line.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	// No command: the help, on stderr, and exit code 2.
	root.RunE = func(cmd *cobra.Command, _ []string) error {
		cmd.SetOut(a.stderr)
		_ = cmd.Help()
		return usagef("no command given; see the list above")
	}
	pf := root.PersistentFlags()
	pf.StringVar(&a.token, "token", "", "GroupMe access token (default: $GROUPME_TOKEN, then the config file)")
	pf.BoolVar(&a.useFake, "fake", false, "use the built-in fake GroupMe even when a token is set")
	pf.BoolVar(&a.jsonOut, "json", false, "print machine-readable JSON instead of tables")
	pf.StringVar(&a.baseURL, "base-url", "", "API base URL (default "+client.DefaultBaseURL+")")
	pf.StringVar(&a.imageURL, "image-url", "", "image service base URL (default "+client.DefaultImageBaseURL+")")

	root.AddCommand(
		a.groupsCmd(), a.groupCmd(), a.messagesCmd(), a.sendCmd(), a.chatsCmd(),
		a.dmsCmd(), a.dmCmd(), a.likeCmd(true), a.likeCmd(false), a.leaderboardCmd(),
		a.botsCmd(), a.meCmd(), a.uploadCmd(), a.membersCmd(), a.exportCmd(), a.backupCmd(), a.demoCmd(), a.fakeCmd(),
	)
	root.AddCommand(a.loginCmd(), a.logoutCmd())
	root.PersistentPreRun = a.warnTokenFlag
	root.AddCommand(a.pollCmd(), a.pinCmd(true), a.pinCmd(false), a.pinsCmd(), a.deleteCmd(), a.eventsCmd(), a.galleryCmd()) // unofficial calls
	root.AddCommand(a.indexCmd(), a.searchCmd())                                                                             // search.go
	root.AddCommand(a.watchCmd())                                                                                            // watch.go
	root.AddCommand(a.mcpCmd())                                                                                              // mcp.go
	root.AddCommand(a.viewCmd())                                                                                             // view.go
	return root
}

func (a *app) groupsCmd() *cobra.Command {
	var perPage int
	cmd := &cobra.Command{
		Use:   "groups",
		Short: "List the groups you are in",
		Args:  exactArgs(),
	}
	cmd.Flags().IntVar(&perPage, "per-page", 0, "groups per request (GroupMe's default when 0)")
	cmd.RunE = a.withAPI(func(cmd *cobra.Command, _ []string) error {
		var groups []client.Group
		for g, err := range a.api.ListGroupsIter(cmd.Context(), &client.ListGroupsParams{PerPage: perPage}) {
			if err != nil {
				return err
			}
			groups = append(groups, g)
		}
		return a.out().emit(groups, groupsTable(groups))
	})
	return cmd
}

func (a *app) groupCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "group ID",
		Short: "Show one group and its members",
		Args:  exactArgs("ID"),
	}
	cmd.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		g, err := a.api.GetGroup(cmd.Context(), args[0], nil)
		if err != nil {
			return err
		}
		return a.out().emit(g, groupTable(*g))
	})
	return cmd
}

// cursorFlags are the paging flags of message listings.
type cursorFlags struct {
	limit         int
	before, after string
}

func (c *cursorFlags) register(cmd *cobra.Command) {
	cmd.Flags().IntVar(&c.limit, "limit", 20, "how many messages (1-100)")
	cmd.Flags().StringVar(&c.before, "before", "", "messages older than this message id")
	cmd.Flags().StringVar(&c.after, "after", "", "messages newer than this message id, oldest first")
}

func (c *cursorFlags) check() error {
	if c.limit < 1 || c.limit > 100 {
		return usagef("--limit must be between 1 and 100, not %d", c.limit)
	}
	if c.before != "" && c.after != "" {
		return usagef("use --before or --after, not both")
	}
	for flag, v := range map[string]string{"--before": c.before, "--after": c.after} {
		if v != "" && !msgid.Valid(v) {
			return usagef("%s needs a message id (a number such as 170000000000000123), not %q", flag, v)
		}
	}
	return nil
}

// optional is nil for an empty string, for the API's optional fields.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (a *app) messagesCmd() *cobra.Command {
	var cf cursorFlags
	cmd := &cobra.Command{
		Use:   "messages GROUP",
		Short: "List a group's messages (newest first; oldest first with --after)",
		Args:  exactArgs("GROUP"),
	}
	cf.register(cmd)
	cmd.PreRunE = func(*cobra.Command, []string) error { return cf.check() } // before connecting
	cmd.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		if err := cf.check(); err != nil {
			return err
		}
		page, err := a.api.ListMessages(cmd.Context(), args[0], &client.MessageParams{Limit: cf.limit, BeforeID: cf.before, AfterID: cf.after})
		if err != nil {
			return err
		}
		return a.out().emit(page, messagesTable(page.Messages))
	})
	return cmd
}

// imageAttachment uploads the file at path and returns it as an attachment.
func (a *app) imageAttachment(cmd *cobra.Command, path string) (client.Attachment, string, error) {
	var att client.Attachment
	url, err := a.upload(cmd, path)
	if err != nil {
		return att, "", err
	}
	return client.NewImageAttachment(url), url, nil
}

// upload sends a local image file to the image service.
func (a *app) upload(cmd *cobra.Command, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer func() { _ = f.Close() }() // only read
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return "", usagef("%s is a directory, not an image file", path)
	}
	ct := mime.TypeByExtension(strings.ToLower(filepath.Ext(path)))
	switch ct {
	case "image/png", "image/gif", "image/jpeg":
	default:
		// GroupMe's image service takes JPEG as the safe default, even for
		// other bytes.
		ct = "image/jpeg"
	}
	return a.api.UploadImage(cmd.Context(), f, ct)
}

func (a *app) sendCmd() *cobra.Command {
	var image string
	cmd := &cobra.Command{
		Use:   "send GROUP TEXT",
		Short: "Send a message to a group, optionally with an image",
		Args:  exactArgs("GROUP", "TEXT"),
	}
	cmd.Flags().StringVar(&image, "image", "", "image file to upload and attach")
	cmd.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		msg := client.NewMessage{Text: optional(args[1])}
		if image != "" {
			att, _, err := a.imageAttachment(cmd, image)
			if err != nil {
				return err
			}
			msg.Attachments = &[]client.Attachment{att}
		}
		m, err := a.api.CreateMessage(cmd.Context(), args[0], msg)
		if err != nil {
			return err
		}
		return a.out().emit(m, messagesTable([]client.Message{*m}))
	})
	return cmd
}

func (a *app) chatsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "chats",
		Short: "List your direct-message conversations",
		Args:  exactArgs(),
	}
	cmd.RunE = a.withAPI(func(cmd *cobra.Command, _ []string) error {
		var chats []client.Chat
		for c, err := range a.api.ListChatsIter(cmd.Context(), nil) {
			if err != nil {
				return err
			}
			chats = append(chats, c)
		}
		return a.out().emit(chats, chatsTable(chats))
	})
	return cmd
}

func (a *app) dmsCmd() *cobra.Command {
	var cf cursorFlags
	cmd := &cobra.Command{
		Use:   "dms USER",
		Short: "List your direct messages with a user",
		Args:  exactArgs("USER"),
	}
	cf.register(cmd)
	cmd.PreRunE = func(*cobra.Command, []string) error { return cf.check() } // before connecting
	cmd.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		if err := cf.check(); err != nil {
			return err
		}
		page, err := a.api.ListDirectMessages(cmd.Context(), args[0], &client.MessageParams{Limit: cf.limit, BeforeID: cf.before, AfterID: cf.after})
		if err != nil {
			return err
		}
		return a.out().emit(page, directMessagesTable(page.DirectMessages))
	})
	return cmd
}

func (a *app) dmCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dm USER TEXT",
		Short: "Send a direct message",
		Args:  exactArgs("USER", "TEXT"),
	}
	cmd.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		m, err := a.api.CreateDirectMessage(cmd.Context(), client.NewDirectMessage{RecipientID: args[0], Text: optional(args[1])})
		if err != nil {
			return err
		}
		return a.out().emit(m, directMessagesTable([]client.DirectMessage{*m}))
	})
	return cmd
}

func reactionsTable(rs []client.Reaction) func(w *tabwriter.Writer) {
	return func(w *tabwriter.Writer) {
		row(w, "REACTION", "USERS")
		for _, r := range rs {
			what := r.Type
			if r.Code != nil {
				what = *r.Code
			}
			var users []string
			if r.UserIDs != nil {
				users = *r.UserIDs
			}
			row(w, what, strings.Join(users, ","))
		}
	}
}

func (a *app) likeCmd(like bool) *cobra.Command {
	use, short := "like CONVERSATION MESSAGE", "Like a message (CONVERSATION is a group id, or userA+userB for a DM)"
	if !like {
		use, short = "unlike CONVERSATION MESSAGE", "Remove your like from a message"
	}
	var emoji string
	cmd := &cobra.Command{Use: use, Short: short, Args: exactArgs("CONVERSATION", "MESSAGE")}
	if like {
		cmd.Flags().StringVar(&emoji, "emoji", "", "react with this emoji instead of a plain like")
	}
	cmd.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		var (
			rs  []client.Reaction
			err error
		)
		if like {
			var icon *client.LikeIcon
			if emoji != "" {
				icon = &client.LikeIcon{Type: client.LikeIconTypeUnicode, Code: &emoji}
			}
			rs, err = a.api.LikeMessage(cmd.Context(), args[0], args[1], icon)
		} else {
			rs, err = a.api.UnlikeMessage(cmd.Context(), args[0], args[1])
		}
		if err != nil {
			return err
		}
		if rs == nil {
			rs = []client.Reaction{}
		}
		return a.out().emit(rs, reactionsTable(rs))
	})
	return cmd
}

func (a *app) leaderboardCmd() *cobra.Command {
	var (
		period      string
		mine, forMe bool
	)
	cmd := &cobra.Command{
		Use:   "leaderboard GROUP",
		Short: "Show a group's most liked messages",
		Args:  exactArgs("GROUP"),
	}
	cmd.Flags().StringVar(&period, "period", "day", "day, week or month")
	cmd.Flags().BoolVar(&mine, "mine", false, "messages you liked instead")
	cmd.Flags().BoolVar(&forMe, "for-me", false, "your messages others liked instead")
	cmd.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		p := client.LeaderboardPeriod(period)
		if p != client.PeriodDay && p != client.PeriodWeek && p != client.PeriodMonth {
			return usagef("--period must be day, week or month, not %q", period)
		}
		if mine && forMe {
			return usagef("use --mine or --for-me, not both")
		}
		var (
			msgs []client.Message
			err  error
		)
		switch {
		case mine:
			msgs, err = a.api.GetLeaderboardMine(cmd.Context(), args[0])
		case forMe:
			msgs, err = a.api.GetLeaderboardForMe(cmd.Context(), args[0])
		default:
			msgs, err = a.api.GetLeaderboard(cmd.Context(), args[0], p)
		}
		if err != nil {
			return err
		}
		if msgs == nil {
			msgs = []client.Message{}
		}
		return a.out().emit(msgs, messagesTable(msgs))
	})
	return cmd
}

func (a *app) botsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bots",
		Short: "List, create, post as, and destroy bots",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usagef("bots needs a subcommand: list, create, post or destroy")
		},
	}
	list := &cobra.Command{Use: "list", Short: "List your bots", Args: exactArgs()}
	list.RunE = a.withAPI(func(cmd *cobra.Command, _ []string) error {
		bots, err := a.api.ListBots(cmd.Context())
		if err != nil {
			return err
		}
		if bots == nil {
			bots = []client.Bot{}
		}
		return a.out().emit(bots, botsTable(bots))
	})

	var callback, avatar string
	create := &cobra.Command{Use: "create GROUP NAME", Short: "Create a bot in a group", Args: exactArgs("GROUP", "NAME")}
	create.Flags().StringVar(&callback, "callback-url", "", "URL GroupMe posts the group's messages to")
	create.Flags().StringVar(&avatar, "avatar-url", "", "image-service URL of the bot's avatar")
	create.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		b, err := a.api.CreateBot(cmd.Context(), client.NewBot{GroupID: client.ID(args[0]), Name: args[1], CallbackURL: optional(callback), AvatarURL: optional(avatar)})
		if err != nil {
			return err
		}
		return a.out().emit(b, botsTable([]client.Bot{*b}))
	})

	var picture string
	post := &cobra.Command{Use: "post BOT_ID TEXT", Short: "Post into the bot's group as the bot", Args: exactArgs("BOT_ID", "TEXT")}
	post.Flags().StringVar(&picture, "image", "", "image file to upload and attach")
	post.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		req := client.BotPostRequest{BotID: args[0], Text: args[1]}
		if picture != "" {
			url, err := a.upload(cmd, picture)
			if err != nil {
				return err
			}
			req.PictureURL = &url
		}
		if err := a.api.PostBotMessage(cmd.Context(), req); err != nil {
			return err
		}
		return a.out().emit(map[string]string{"bot_id": args[0], "status": "posted"}, kv("BOT", args[0], "STATUS", "posted"))
	})

	destroy := &cobra.Command{Use: "destroy BOT_ID", Short: "Delete a bot", Args: exactArgs("BOT_ID")}
	destroy.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		if err := a.api.DestroyBot(cmd.Context(), args[0]); err != nil {
			return err
		}
		return a.out().emit(map[string]string{"bot_id": args[0], "status": "destroyed"}, kv("BOT", args[0], "STATUS", "destroyed"))
	})
	cmd.AddCommand(list, create, post, destroy)
	return cmd
}

func (a *app) meCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "me", Short: "Show the user the token belongs to", Args: exactArgs()}
	cmd.RunE = a.withAPI(func(cmd *cobra.Command, _ []string) error {
		u, err := a.api.GetMe(cmd.Context())
		if err != nil {
			return err
		}
		return a.out().emit(u, userTable(*u))
	})
	return cmd
}

func (a *app) uploadCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "upload FILE", Short: "Upload an image and print its URLs", Args: exactArgs("FILE")}
	cmd.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		url, err := a.upload(cmd, args[0])
		if err != nil {
			return err
		}
		th := client.ThumbnailURLs(url)
		return a.out().emit(map[string]string{"url": url, "preview": th.Preview, "large": th.Large, "avatar": th.Avatar},
			kv("URL", url, "PREVIEW", th.Preview, "LARGE", th.Large, "AVATAR", th.Avatar))
	})
	return cmd
}

func (a *app) membersCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "members",
		Short: "Add members to a group, poll the results, remove members",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usagef("members needs a subcommand: add, results or remove")
		},
	}
	var userID, phone, email string
	add := &cobra.Command{
		Use:   "add GROUP NICKNAME",
		Short: "Add one person by --user-id, --phone or --email; prints the results id",
		Args:  exactArgs("GROUP", "NICKNAME"),
	}
	add.Flags().StringVar(&userID, "user-id", "", "GroupMe user id")
	add.Flags().StringVar(&phone, "phone", "", `phone number, "+1 2125551234"`)
	add.Flags().StringVar(&email, "email", "", "email address")
	add.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		n := 0
		for _, v := range []string{userID, phone, email} {
			if v != "" {
				n++
			}
		}
		if n != 1 {
			return usagef("give exactly one of --user-id, --phone and --email")
		}
		id, err := a.api.AddMembers(cmd.Context(), args[0], []client.MemberToAdd{{
			Nickname: args[1], UserID: optional(userID), PhoneNumber: optional(phone), Email: optional(email),
		}})
		if err != nil {
			return err
		}
		return a.out().emit(map[string]string{"results_id": id}, kv("RESULTS ID", id))
	})

	var wait bool
	results := &cobra.Command{Use: "results GROUP RESULTS_ID", Short: "Show who was added", Args: exactArgs("GROUP", "RESULTS_ID")}
	results.Flags().BoolVar(&wait, "wait", true, "poll until the results are ready")
	results.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		var (
			ms  []client.Member
			err error
		)
		if wait {
			ms, err = a.api.WaitForMembers(cmd.Context(), args[0], args[1])
		} else {
			ms, err = a.api.GetMembersResults(cmd.Context(), args[0], args[1])
		}
		if err != nil {
			return err
		}
		if ms == nil {
			ms = []client.Member{}
		}
		return a.out().emit(ms, membersTable(ms))
	})

	remove := &cobra.Command{Use: "remove GROUP MEMBERSHIP_ID", Short: "Remove a member (the membership id, not the user id)", Args: exactArgs("GROUP", "MEMBERSHIP_ID")}
	remove.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		if err := a.api.RemoveMember(cmd.Context(), args[0], args[1]); err != nil {
			return err
		}
		return a.out().emit(map[string]string{"membership_id": args[1], "status": "removed"}, kv("MEMBERSHIP", args[1], "STATUS", "removed"))
	})
	cmd.AddCommand(add, results, remove)
	return cmd
}
