"""The schedule domain: from an event's rows to saved, reviewed, adjusted, printed and mailed
schedule versions.

    engine_io   event → matching Problem; solver Result → a saved version (build_schedule)
    versions    find, publish and copy versions; what changed between two
    adjust      hand edits of a draft, each checked against the rulebook
    rulebook    saved meetings for matching.rules; a rule broken, in the organiser's words
    review      read models: a person's agenda, by round, by attendee, the summary
    reasons     a saved meeting's structured reason, stored as JSON and read back
    mail, ics   schedule and update mails through the outbox, with a calendar file
    printing    print pages; pdf: their PDFs, made by the worker
    jobs        the worker's job handlers (build_schedule, render_pdf)

Nothing here imports a blueprint; the ``schedule`` blueprint calls these modules.
"""
