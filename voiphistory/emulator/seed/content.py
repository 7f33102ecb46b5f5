"""The other texts of the demo: call openings and closings, voicemail, notes, SMS and chat lines."""

from __future__ import annotations

OPENING_IN = (
    (
        "Thank you for calling Northwind, you're through to {agent}. How can I help?",
        "Good {part}, Northwind Support, {agent} speaking.",
        "Hi, you're through to {agent} at Northwind. What can I do for you today?",
    ),
    (
        "Hi {agent}, it's {customer} here.",
        "Hello, my name's {customer}, I'm calling about my account.",
        "Hi, this is {customer} from {company}.",
    ),
)
OPENING_CALLBACK = (
    (
        "Hello, is that {cfirst}? It's {agent} from Northwind, returning your call.",
        "Hi {cfirst}, {agent} from Northwind here. Sorry we missed you earlier.",
        "Good {part}, it's {agent} at Northwind. You left us a message?",
    ),
    (
        "Oh yes, thanks for calling back.",
        "Yes, thanks for getting back to me.",
        "Ah, great, I was hoping you'd ring.",
    ),
)
OPENING_OUT = (
    (
        "Hi {cfirst}, it's {agent} calling from Northwind. Is now a good time?",
        "Good {part}, could I speak to {cfirst}, please? It's {agent} from Northwind.",
        "Hello {cfirst}, {agent} from Northwind, following up on your ticket.",
    ),
    ("Yes, go ahead.", "Speaking. What's this about?", "Sure, I've got a few minutes."),
)
CLOSING_REACTION = (
    (
        "Honestly, this isn't good enough. I'll be looking at other providers.",
        "I'm not happy with that at all.",
        "Fine. But I expect someone to call me back this time.",
    ),
    ("Okay, I'll wait to hear from you then.", "Alright, thanks.", "Fair enough, let's see how it goes."),
    (
        "That's brilliant, thank you so much for your help, {agent}.",
        "Perfect, thanks, you've been really helpful.",
        "Great, that's sorted then. Thanks!",
    ),
)
GOODBYE = (
    ("I'm sorry we couldn't do more today. Goodbye.", "I understand. I'm sorry for the trouble."),
    ("Thanks for calling, {cfirst}. Bye now.", "Is there anything else I can help with? No? Take care."),
    ("You're welcome. Have a lovely {part}!", "My pleasure, {cfirst}. Bye!"),
)
PLANS = ("Business Pro", "Team 25", "Contact Centre Plus", "Fibre 500 Business", "Unlimited UK & EU")
COMPANIES = (
    "Brightlane Dental",
    "Kestrel Logistics",
    "Oakfield Lettings",
    "Harbourview Hotel",
    "Maple & Co Accountants",
    "Greenway Builders",
    "Bluebell Nursery",
    "Summit Physio",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CURRENCY = {"US": "$", "DE": "€", "FR": "€", "IE": "€", "NL": "€"}

VM_TEXTS = (
    "Hi, this is {customer}. I'm calling about invoice {ref}, there's a charge I don't recognise. Could someone call me back on {number}? Thanks.",
    "Hello, it's {customer} from {company}. Our internet has been down since this morning. Please call me back as soon as you can.",
    "Hi there, {cfirst} here. Just checking on order {order}, it was due {day}. My number is {number}. Cheers.",
    "Good {part}, my name is {customer}. I'd like a quote for about ten users. You can reach me on {number}.",
    "Hi, it's {customer}. I'm locked out of the portal again. Could you give me a ring? Thanks, bye.",
    "Hello, {cfirst} calling. We want to cancel one of our lines. Please call me back. Thank you.",
    "Hi, this is {customer}, returning your call from earlier. I'm around until five. Thanks.",
)
NOTES = (
    "Customer asked for a copy of invoice {ref}; emailed it.",
    "Called back, no answer. Left a voicemail.",
    "Escalated to billing, ticket {ticket}.",
    "Customer prefers email contact in future.",
    "Promised a callback before 5pm.",
    "Engineer visit booked for {day}, ticket {ticket}.",
    "Quote for {plan} sent.",
    "Customer unhappy about wait time in queue; apologised.",
    "Follow-up needed: check delivery of {order} on {day}.",
    "Spoke to the account owner, all resolved.",
)
SMS_OUT = (
    "Hi {cfirst}, sorry we missed your call. We'll ring you back shortly. – Northwind Support",
    "Your engineer visit is confirmed for {day} between 8am and 1pm. Ref {ticket}. Reply STOP to opt out.",
    "Good news: order {order} has been dispatched and will arrive on {day}.",
    "Hi {cfirst}, your ticket {ticket} has been resolved. Reply to this message if you need anything else.",
    "Reminder: your payment of {amount} is due on {day}. Pay securely at https://pay.northwind.example",
    "Thanks for calling Northwind today. How did we do? Rate us 1-5 by replying to this message.",
)
SMS_IN = (
    "Hi, can someone call me back about my bill please?",
    "Thanks, that's sorted now.",
    "Is order {order} still coming {day}?",
    "5",
    "4",
    "Can the engineer come after 2pm instead?",
    "I'm in a meeting, could you try me again after 3?",
    "STOP",
    "Great, thank you!",
    "Internet is down again at our office, please call.",
)
CHAT_OPENERS = {
    "billing_dispute": (
        "Hi, I've got a question about my last invoice",
        "Why has my bill gone up this month?",
    ),
    "delivery_delay": ("Hello, where is my order {order}?", "My delivery hasn't arrived yet"),
    "password_reset": ("I can't log in to the portal", "The password reset email isn't arriving"),
    "upgrade": ("Hi, can we add more users to our plan?", "What's the price of {plan}?"),
    "cancellation": ("How do I cancel my contract?", "I need to give notice on one of our lines"),
    "technical_fault": ("Our phones aren't working", "Internet keeps dropping out, can you help?"),
    "new_order": ("Do you do broadband for small offices?", "Hi, I'd like a quote for 8 users"),
    "payment_update": ("How do I change my payment card?", "My payment failed, what do I do?"),
}
CHAT_VISITOR = (
    "It's account {account}",
    "Ok thanks",
    "How long will that take?",
    "It started on {day}",
    "The reference is {ref}",
    "Yes that's right",
    "Is there anything I need to do?",
    "Can you email me the details?",
    "Sorry, one more thing",
    "My email is {email}",
)
CHAT_OPERATOR = (
    "Hi {vfirst}, thanks for getting in touch! Let me take a look.",
    "Could you give me your account number, please?",
    "Thanks, one moment while I check.",
    "I can see that on the account now.",
    "I've raised ticket {ticket} for this.",
    "That should be sorted within 24 hours.",
    "I've emailed the details to you now.",
    "No problem at all.",
)
CHAT_CLOSE = (
    ("Thanks for your help!", "Great, thanks", "Brilliant, cheers"),
    ("You're welcome, have a great day!", "Happy to help. Anything else I can do?"),
)
CHAT_MISSED = ("Hello?", "Is anyone there?", "I'll try calling instead", "Hello, anyone?")
